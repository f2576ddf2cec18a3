//! The config store as it crosses the wire (config.md).

pub mod description;
