//! All integration tests, in one binary (faster to link, shared helpers).

mod cert_sources;
mod check;
mod cli;
mod common;
mod golden;
mod interop;
mod precommit;
mod tools;
mod vectors;
