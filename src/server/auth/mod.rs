//! Who is calling and what they may do (auth.md).

pub mod caller;
pub mod privileges;
pub mod ratelimit;
pub mod scopes;
pub mod secrets;
pub mod totp;

pub use caller::{Access, Actor, Caller, Requirement};
pub use privileges::Privilege;
