//! One module per screen.

pub mod dashboard;
pub mod invites;
pub mod landing;
pub mod login;
pub mod media_proxy;
pub mod not_found;
pub mod report;
pub mod reports;
pub mod settings;
pub mod status;
pub mod statuses;
pub mod user;
pub mod user_confirm;
pub mod user_tabs;
pub mod users;
pub mod users_new;
