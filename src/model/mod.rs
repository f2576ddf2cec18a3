//! Types that cross the wire between the server and the panel. Each is defined once and compiled
//! into both the server and the WASM bundle.

pub mod config;
pub mod dashboard;
pub mod instance;
pub mod media_proxy;
pub mod query;
pub mod reports;
pub mod sanitize;
pub mod session;
pub mod settings;
pub mod statuses;
pub mod users;
