//! A loopback web server whose answers a test writes byte by byte, over
//! plain HTTP or HTTPS (the certificate of [`super::api_server::pki`], so
//! `sealtoken_in` trusts it): for what a status and a body cannot say, such
//! as a redirect (`Location`), a body that trickles in, or a plain `http://`
//! URL. Every request's path is recorded.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use rustls::{ServerConnection, StreamOwned};

use super::api_server::server_tls;

/// Writes the whole answer to one request, given its path; the connection
/// is closed after it.
pub type Respond = dyn Fn(&str, &mut dyn Write) + Send + Sync;

/// The running server. It lives until the test binary exits.
pub struct WebServer {
    pub port: u16,
    scheme: &'static str,
    paths: Arc<Mutex<Vec<String>>>,
    bodies: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl WebServer {
    /// A plain HTTP server.
    pub fn http(respond: impl Fn(&str, &mut dyn Write) + Send + Sync + 'static) -> WebServer {
        Self::start(false, Arc::new(respond))
    }

    /// An HTTPS server with the test PKI's server certificate.
    pub fn https(respond: impl Fn(&str, &mut dyn Write) + Send + Sync + 'static) -> WebServer {
        Self::start(true, Arc::new(respond))
    }

    fn start(tls: bool, respond: Arc<Respond>) -> WebServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let paths = Arc::new(Mutex::new(Vec::new()));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let seen = (paths.clone(), bodies.clone());
        let config = tls.then(server_tls);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(tcp) = stream else { continue };
                let (respond, seen, config) = (respond.clone(), seen.clone(), config.clone());
                thread::spawn(move || {
                    let _ = tcp.set_read_timeout(Some(Duration::from_secs(10)));
                    if let Some(config) = config {
                        let Ok(conn) = ServerConnection::new(config) else {
                            return;
                        };
                        let mut s = StreamOwned::new(conn, tcp);
                        serve(&mut s, &*respond, &seen);
                        s.conn.send_close_notify();
                        let _ = s.flush();
                    } else {
                        let mut s: TcpStream = tcp;
                        serve(&mut s, &*respond, &seen);
                    }
                });
            }
        });
        WebServer {
            port,
            scheme: if tls { "https" } else { "http" },
            paths,
            bodies,
        }
    }

    /// `http(s)://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("{}://127.0.0.1:{}{path}", self.scheme, self.port)
    }

    /// `http(s)://USERINFO@127.0.0.1:PORT{path}`.
    pub fn url_with_userinfo(&self, userinfo: &str, path: &str) -> String {
        format!("{}://{userinfo}@127.0.0.1:{}{path}", self.scheme, self.port)
    }

    /// The paths requested so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.paths.lock().unwrap().clone()
    }

    /// The request bodies so far, in order.
    pub fn bodies(&self) -> Vec<Vec<u8>> {
        self.bodies.lock().unwrap().clone()
    }
}

/// Reads one request (its head, then `Content-Length` bytes of body) and
/// lets `respond` answer it.
type Seen = (Arc<Mutex<Vec<String>>>, Arc<Mutex<Vec<Vec<u8>>>>);

fn serve(s: &mut (impl Read + Write), respond: &Respond, seen: &Seen) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) if head.len() < 64 * 1024 => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let path = head
        .lines()
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("")
        .to_string();
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length.min(1 << 20)];
    if s.read_exact(&mut body).is_err() {
        return;
    }
    seen.0.lock().unwrap().push(path.clone());
    seen.1.lock().unwrap().push(body);
    respond(&path, s);
    let _ = s.flush();
}

/// A whole answer: the status line, `headers`, `Content-Length`, `body`.
pub fn reply(out: &mut dyn Write, status: u16, headers: &[(&str, &str)], body: &[u8]) {
    let mut text = format!("HTTP/1.1 {status} X\r\n");
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let _ = out.write_all(text.as_bytes());
    let _ = out.write_all(body);
}

/// A redirect (`302`) to `location`.
pub fn redirect(out: &mut dyn Write, location: &str) {
    reply(out, 302, &[("Location", location)], b"");
}

/// `body` announced whole in `Content-Length`, then sent one byte every
/// `pause` (until the client hangs up).
pub fn trickle(out: &mut dyn Write, body: &[u8], pause: Duration) {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    for b in body {
        thread::sleep(pause);
        if out.write_all(&[*b]).and_then(|()| out.flush()).is_err() {
            return;
        }
    }
}

/// An HTTP `CONNECT` proxy on loopback that tunnels every connection to
/// the loopback `port`, whatever host it is asked for: a URL with a real
/// host name (a route's) reaches a [`WebServer`] through `HTTPS_PROXY`. The
/// test PKI's server certificate names those hosts too.
pub struct ConnectProxy {
    pub port: u16,
    asked: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    /// A proxy to `127.0.0.1:port`.
    pub fn to(port: u16) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let own = listener.local_addr().unwrap().port();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let seen = asked.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut client) = stream else { continue };
                let seen = seen.clone();
                thread::spawn(move || {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match client.read(&mut byte) {
                            Ok(1) if head.len() < 16 * 1024 => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let target = head.split(' ').nth(1).unwrap_or("").to_string();
                    seen.lock().unwrap().push(target);
                    let Ok(server) = TcpStream::connect(("127.0.0.1", port)) else {
                        return;
                    };
                    if client
                        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        .is_err()
                    {
                        return;
                    }
                    let (mut c2, mut s2) =
                        (client.try_clone().unwrap(), server.try_clone().unwrap());
                    let up = thread::spawn(move || {
                        let _ = std::io::copy(&mut c2, &mut s2);
                        let _ = s2.shutdown(std::net::Shutdown::Write);
                    });
                    let (mut server, mut client) = (server, client);
                    let _ = std::io::copy(&mut server, &mut client);
                    let _ = client.shutdown(std::net::Shutdown::Write);
                    let _ = up.join();
                });
            }
        });
        ConnectProxy { port: own, asked }
    }

    /// `http://127.0.0.1:PORT`, for `HTTPS_PROXY`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The `host:port` each `CONNECT` asked for, in order.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}
