//! `recall users`, `recall where`, `recall doctor`.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use recall::sched::Day;
use recall::store::{self, SnapshotStatus};

use super::args::{DoctorArgs, JsonArgs};
use super::settings::{LOCK_WAIT, Settings};

#[derive(Serialize)]
struct UsersJson {
    current: String,
    users: Vec<UserJson>,
}

#[derive(Serialize)]
struct UserJson {
    name: String,
    current: bool,
}

/// `recall users`
pub fn users(
    args: &JsonArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let names = settings.paths.list_users()?;
    let users: Vec<UserJson> = names
        .iter()
        .map(|n| UserJson {
            name: n.to_string(),
            current: *n == settings.user,
        })
        .collect();
    if args.json {
        serde_json::to_writer(
            &mut *out,
            &UsersJson {
                current: settings.user.to_string(),
                users,
            },
        )?;
        writeln!(out)?;
    } else if users.is_empty() {
        writeln!(
            out,
            "No profiles yet in '{}'. The first answer you give creates '{}'.",
            settings.paths.root().display(),
            settings.user
        )?;
    } else {
        for u in &users {
            writeln!(out, "{} {}", if u.current { "*" } else { " " }, u.name)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct WhereJson {
    data_dir: String,
    library: String,
    user: String,
    profile: String,
    log: String,
    snapshot: String,
    settings: String,
    now: String,
    today: Day,
    day_starts_at: u8,
}

/// `recall where`
pub fn where_(
    args: &JsonArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let p = &settings.paths;
    let u = &settings.user;
    let json = WhereJson {
        data_dir: p.root().display().to_string(),
        library: p.library().display().to_string(),
        user: u.to_string(),
        profile: p.user(u).display().to_string(),
        log: p.log(u).display().to_string(),
        snapshot: p.snapshot(u).display().to_string(),
        settings: p.settings(u).display().to_string(),
        now: settings
            .now()
            .to_zoned_datetime(settings.tz.clone())
            .to_string(),
        today: settings.today(),
        day_starts_at: settings.cutoff.hour(),
    };
    if args.json {
        serde_json::to_writer(&mut *out, &json)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "data directory  {}", json.data_dir)?;
    writeln!(out, "deck library    {}", json.library)?;
    writeln!(out, "user            {}", json.user)?;
    writeln!(out, "review log      {}", json.log)?;
    writeln!(out, "snapshot        {}", json.snapshot)?;
    writeln!(out, "settings        {}", json.settings)?;
    writeln!(out, "now             {}", json.now)?;
    writeln!(
        out,
        "today           {} (a day starts at {:02}:00)",
        json.today, json.day_starts_at
    )?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct DoctorJson {
    healthy: bool,
    log: String,
    lines: u64,
    answers: u64,
    damaged: Vec<DamagedJson>,
    torn: bool,
    snapshot: String,
    locked: bool,
    repaired: bool,
}

#[derive(Serialize)]
struct DamagedJson {
    line: u64,
    reason: String,
}

/// `recall doctor [--repair]`
pub fn doctor(
    args: &DoctorArgs,
    settings: &Settings,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let user = &settings.user;
    if !settings.paths.user(user).exists() {
        let others: Vec<String> = settings
            .paths
            .list_users()?
            .iter()
            .map(ToString::to_string)
            .collect();
        writeln!(
            out,
            "no profile '{user}' in '{}' yet: nothing to check (profiles here: {})",
            settings.paths.root().display(),
            if others.is_empty() {
                "none".to_owned()
            } else {
                others.join(", ")
            }
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let found = store::inspect(&settings.paths, user)?;
    let log = found.log_path.display().to_string();
    let snapshot = match &found.snapshot {
        SnapshotStatus::Missing => "missing (it is rebuilt from the log)".to_owned(),
        SnapshotStatus::Current { behind: 0 } => "current".to_owned(),
        SnapshotStatus::Current { behind } => {
            format!("current, {behind} answers behind the log (normal)")
        }
        SnapshotStatus::Stale => "does not match the review log (it will be rebuilt)".to_owned(),
        SnapshotStatus::Damaged(r) => format!("damaged: {r}"),
        SnapshotStatus::Newer(r) => r.clone(),
    };
    let healthy = found.healthy();
    let mut repaired = false;
    let mut report = Vec::new();
    writeln!(
        report,
        "profile '{user}' in {}",
        settings.paths.user(user).display()
    )?;
    writeln!(
        report,
        "review log  {log}: {} answers in {} lines",
        found.log.events, found.log.lines
    )?;
    for bad in &found.log.bad {
        writeln!(report, "  {log}:{}: {}", bad.number, bad.reason)?;
    }
    if let Some(n) = found.log.newer {
        writeln!(
            report,
            "  written by a newer recall (log format {n}); update recall"
        )?;
    }
    writeln!(
        report,
        "snapshot    {}: {snapshot}",
        found.snapshot_path.display()
    )?;
    writeln!(
        report,
        "lock        {}",
        if found.locked {
            "held by another recall process (a session is open)"
        } else {
            "free"
        }
    )?;
    if args.repair && !healthy {
        let stamp = settings.now().strftime("%Y%m%dT%H%M%SZ").to_string();
        let done = store::repair(&settings.paths, user, &stamp, LOCK_WAIT)?;
        repaired = true;
        if let Some(b) = &done.backup {
            writeln!(report, "repaired: the log was backed up to {}", b.display())?;
        }
        if let Some(r) = &done.rejected {
            writeln!(
                report,
                "repaired: {} damaged line(s) moved to {}",
                done.removed,
                r.display()
            )?;
        }
        if let Some(old) = &done.old_snapshot {
            writeln!(
                report,
                "repaired: the old snapshot was kept as {}",
                old.display()
            )?;
        }
        if done.rebuilt_snapshot {
            writeln!(report, "repaired: the snapshot was rebuilt from the log")?;
        }
    } else if args.repair {
        writeln!(report, "nothing to repair")?;
    } else if healthy {
        writeln!(report, "healthy")?;
    } else {
        writeln!(
            report,
            "problems found; run `recall doctor --repair` to fix them (the log is backed up first)"
        )?;
    }
    if args.json {
        let json = DoctorJson {
            healthy,
            log,
            lines: found.log.lines,
            answers: found.log.events,
            damaged: found
                .log
                .bad
                .iter()
                .map(|b| DamagedJson {
                    line: b.number,
                    reason: b.reason.clone(),
                })
                .collect(),
            torn: found.log.torn,
            snapshot,
            locked: found.locked,
            repaired,
        };
        serde_json::to_writer(&mut *out, &json)?;
        writeln!(out)?;
    } else {
        out.write_all(&report)?;
    }
    Ok(if healthy || repaired {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
