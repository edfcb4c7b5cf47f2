//! Input and output for interactive sessions: single keys in a real
//! terminal, whole lines from a pipe (the protocol of SPEC §5.1).

use std::io::{self, BufRead, IsTerminal, Write};

use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::style::Stylize;
use crossterm::terminal;

/// What the learner typed or pressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A line (pipe) or a key turned into text (terminal; Enter is "").
    Text(String),
    /// `q`, Escape, or Ctrl-C pressed as a key: stop the session.
    Quit,
    /// End of input (Ctrl-D, or the pipe is closed).
    Eof,
}

/// The session's console.
pub struct Console {
    tty: bool,
    color: bool,
    stdin: io::Stdin,
}

/// Restores cooked mode when dropped, however the read ends.
struct RawGuard;

impl Drop for RawGuard {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

impl Console {
    /// A console on stdin/stdout: single keys when both are a terminal,
    /// colour only then and when NO_COLOR is unset.
    pub fn new() -> Console {
        let tty = io::stdin().is_terminal() && io::stdout().is_terminal();
        let color = tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Console {
            tty,
            color,
            stdin: io::stdin(),
        }
    }

    /// True in a real terminal.
    pub fn is_tty(&self) -> bool {
        self.tty
    }

    /// Prints text as it is.
    pub fn say(&self, text: &str) {
        let mut out = io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }

    /// Prints one line.
    pub fn line(&self, text: &str) {
        self.say(&format!("{text}\n"));
    }

    /// Text in a colour role, plain when colour is off.
    pub fn paint(&self, text: &str, role: Role) -> String {
        if !self.color {
            return text.to_owned();
        }
        match role {
            Role::Dim => text.dark_grey().to_string(),
            Role::Good => text.green().to_string(),
            Role::Bad => text.red().to_string(),
            Role::Warn => text.yellow().to_string(),
            Role::Strong => text.bold().to_string(),
            Role::Answer => text.cyan().bold().to_string(),
        }
    }

    /// Reads a whole line (answers typed in full). In a terminal the line is
    /// edited by the terminal itself; Ctrl-C there raises SIGINT, which the
    /// session's handler turns into a clean stop.
    pub fn read_line(&mut self, prompt: &str) -> io::Result<Input> {
        self.say(prompt);
        let mut line = String::new();
        if self.stdin.lock().read_line(&mut line)? == 0 {
            self.line("");
            return Ok(Input::Eof);
        }
        let text = line.trim_end_matches(['\n', '\r']).to_owned();
        if !self.tty {
            // Echo what the pipe said, so that a transcript reads like a session.
            self.line(&text);
        }
        if text.trim() == "q" {
            return Ok(Input::Quit);
        }
        Ok(Input::Text(text))
    }

    /// Reads one key in a terminal, one line from a pipe. `q` stops.
    pub fn read_key(&mut self, prompt: &str) -> io::Result<Input> {
        if !self.tty {
            return match self.read_line(prompt)? {
                Input::Text(t) if t.trim() == "q" => Ok(Input::Quit),
                Input::Text(t) => Ok(Input::Text(t.trim().to_owned())),
                other => Ok(other),
            };
        }
        self.say(prompt);
        terminal::enable_raw_mode()?;
        let guard = RawGuard;
        let input = loop {
            let Event::Key(key) = crossterm::event::read()? else {
                continue;
            };
            if key.kind != KeyEventKind::Press {
                continue;
            }
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            match key.code {
                KeyCode::Char('c') if ctrl => break Input::Quit,
                KeyCode::Char('d') if ctrl => break Input::Eof,
                KeyCode::Char('q') | KeyCode::Esc => break Input::Quit,
                KeyCode::Enter => break Input::Text(String::new()),
                KeyCode::Char(' ') => break Input::Text(" ".to_owned()),
                KeyCode::Char(c) => break Input::Text(c.to_string()),
                _ => {}
            }
        };
        drop(guard);
        let echo = match &input {
            Input::Text(t) if t.trim().is_empty() => String::new(),
            Input::Text(t) => t.clone(),
            _ => String::new(),
        };
        self.line(&echo);
        Ok(input)
    }
}

/// What a piece of text is, for colouring.
#[derive(Debug, Clone, Copy)]
pub enum Role {
    Dim,
    Good,
    Bad,
    Warn,
    Strong,
    Answer,
}
