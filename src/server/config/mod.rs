//! Server-side data of the config store that is not a stored value: the setting descriptions
//! served by `GET /config/descriptions` (config.md §9).

pub mod descriptions;

pub use descriptions::{descriptions, descriptions_for};
