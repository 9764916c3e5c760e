//! All integration tests, in one binary (faster to link, shared helpers).

mod bad_input;
mod cert_sources;
mod check;
mod cli;
mod clusters;
mod common;
mod controller;
mod doctor;
mod edit;
mod flux_report;
mod golden;
mod interop;
mod keys;
mod main_job;
mod man;
mod no_leak;
mod precommit;
mod receivers;
mod recovery;
mod release;
mod reseal;
mod sarif;
mod static_binary;
mod tools;
mod wasm;
mod yaml_interop;
