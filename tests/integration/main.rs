//! All integration tests, in one binary (faster to link, shared helpers).
#![allow(clippy::disallowed_macros)] // tests report skips on stderr

mod bad_input;
mod cert_sources;
mod check;
mod check_oracle;
mod check_property;
mod cli;
mod clusters;
mod common;
mod controller;
mod diff;
mod doctor;
mod dropin;
mod edit;
mod failure_paths;
mod flux_report;
mod golden;
mod interop;
mod keys;
mod kubectl_reads;
mod main_job;
mod man;
mod no_leak;
mod precommit;
mod receiver_crd;
mod receiver_retries;
mod receivers;
mod recovery;
mod release;
mod repo_clusters;
mod reseal;
mod sarif;
mod static_binary;
mod tools;
mod wasm;
mod yaml_interop;
