//! One module per screen.

pub mod dashboard;
pub mod landing;
pub mod login;
pub mod not_found;
