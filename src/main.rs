//! The `steward` command: serve, migrate, manage users, seed demo data.

use std::process::ExitCode;

use steward::error::AppError;
use steward::server::db::Db;
use steward::server::service::{accounts, demo};
use steward::server::settings::{FileConfig, Settings};
use steward::server::state::Site;
use steward::server::{Application, Config};

const USAGE: &str = "usage:
  steward [serve] [--addr HOST:PORT]
  steward migrate
  steward user new NICK EMAIL --password PW [--admin] [--moderator]
  steward user set NICK [--admin|--no-admin] [--moderator|--no-moderator] [--password PW] [--totp-secret BASE32|--no-mfa]
  steward demo";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("steward: {message}");
            ExitCode::FAILURE
        }
    }
}

fn error_text(e: AppError) -> String {
    match e {
        AppError::Database(inner) => format!("database error: {inner}"),
        other => other.message(),
    }
}

/// Takes `--flag VALUE` out of `args`.
fn take_value(args: &mut Vec<String>, flag: &str) -> Result<Option<String>, String> {
    match args.iter().position(|a| a == flag) {
        Some(i) => {
            if i + 1 >= args.len() {
                return Err(format!("{flag} needs a value"));
            }
            let value = args.remove(i + 1);
            args.remove(i);
            Ok(Some(value))
        }
        None => Ok(None),
    }
}

/// Takes `--flag` out of `args`.
fn take_flag(args: &mut Vec<String>, flag: &str) -> bool {
    match args.iter().position(|a| a == flag) {
        Some(i) => {
            args.remove(i);
            true
        }
        None => false,
    }
}

fn no_more(args: &[String]) -> Result<(), String> {
    match args.first() {
        Some(extra) => Err(format!("unexpected argument '{extra}'\n{USAGE}")),
        None => Ok(()),
    }
}

async fn open(config: &Config) -> Result<(Db, Site, Settings), String> {
    let db = Db::connect(&config.database_url)
        .await
        .map_err(error_text)?;
    db.migrate().await.map_err(error_text)?;
    let file = FileConfig::load(&config.config_file).map_err(error_text)?;
    let settings = Settings::load(&db.pool, &file).await.map_err(error_text)?;
    let base_url = config
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", config.addr));
    Ok((
        db,
        Site::new(
            &base_url,
            file,
            config.mailbox_dir.clone(),
            config.media_dir.clone(),
        ),
        settings,
    ))
}

async fn run(mut args: Vec<String>) -> Result<(), String> {
    let mut config = Config::from_env();
    let command = if args.first().is_some_and(|a| !a.starts_with('-')) {
        args.remove(0)
    } else {
        "serve".into()
    };
    match command.as_str() {
        "serve" => {
            if let Some(addr) = take_value(&mut args, "--addr")? {
                config.addr = addr;
            }
            no_more(&args)?;
            let app = Application::build(config).await.map_err(error_text)?;
            tracing::info!(
                "steward listening on http://{} (panel at /admin/)",
                app.addr
            );
            app.run().await.map_err(error_text)
        }
        "migrate" => {
            no_more(&args)?;
            open(&config).await?;
            println!("database is up to date");
            Ok(())
        }
        "demo" => {
            no_more(&args)?;
            let (db, site, _) = open(&config).await?;
            let summary = demo::seed(&db, &site).await.map_err(error_text)?;
            println!(
                "demo data: {} accounts, {} statuses, {} reports created (existing accounts untouched)",
                summary.accounts, summary.statuses, summary.reports
            );
            println!(
                "admin login:     {} / {}",
                demo::DEMO_ADMIN.0,
                demo::DEMO_ADMIN.1
            );
            println!(
                "moderator login: {} / {}",
                demo::DEMO_MOD.0,
                demo::DEMO_MOD.1
            );
            Ok(())
        }
        "user" => {
            let sub = if args.is_empty() {
                String::new()
            } else {
                args.remove(0)
            };
            match sub.as_str() {
                "new" => {
                    let password = take_value(&mut args, "--password")?
                        .ok_or("user new needs --password PW")?;
                    let admin = take_flag(&mut args, "--admin");
                    let moderator = take_flag(&mut args, "--moderator");
                    if args.len() != 2 {
                        return Err(format!("user new needs NICK and EMAIL\n{USAGE}"));
                    }
                    let (db, site, settings) = open(&config).await?;
                    let user = accounts::LocalUser {
                        nickname: args[0].clone(),
                        email: args[1].clone(),
                        password,
                        is_admin: admin,
                        is_moderator: moderator,
                    };
                    accounts::create_local_user(&db, &site, &settings, &user)
                        .await
                        .map_err(error_text)?;
                    println!("created user {}", args[0]);
                    Ok(())
                }
                "set" => {
                    let mut changes = accounts::UserChanges::default();
                    let (admin_on, admin_off) = (
                        take_flag(&mut args, "--admin"),
                        take_flag(&mut args, "--no-admin"),
                    );
                    let (mod_on, mod_off) = (
                        take_flag(&mut args, "--moderator"),
                        take_flag(&mut args, "--no-moderator"),
                    );
                    if (admin_on && admin_off) || (mod_on && mod_off) {
                        return Err("contradictory role flags".into());
                    }
                    changes.admin = (admin_on || admin_off).then_some(admin_on);
                    changes.moderator = (mod_on || mod_off).then_some(mod_on);
                    changes.password = take_value(&mut args, "--password")?;
                    let totp = take_value(&mut args, "--totp-secret")?;
                    let no_mfa = take_flag(&mut args, "--no-mfa");
                    changes.totp_secret = match (totp, no_mfa) {
                        (Some(_), true) => {
                            return Err("--totp-secret and --no-mfa exclude each other".into())
                        }
                        (Some(secret), false) => Some(Some(secret)),
                        (None, true) => Some(None),
                        (None, false) => None,
                    };
                    if args.len() != 1 {
                        return Err(format!("user set needs NICK\n{USAGE}"));
                    }
                    let (db, site, _) = open(&config).await?;
                    let recovery = accounts::update_user(&db, &site, &args[0], &changes)
                        .await
                        .map_err(error_text)?;
                    println!("updated user {}", args[0]);
                    if !recovery.is_empty() {
                        println!("MFA recovery codes (each works once; store them safely):");
                        for code in recovery {
                            println!("  {code}");
                        }
                    }
                    Ok(())
                }
                _ => Err(format!("unknown user command '{sub}'\n{USAGE}")),
            }
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command '{other}'\n{USAGE}")),
    }
}
