//! Connections whose first answer is always problem+json. hyper answers a request it cannot
//! parse (a malformed request line or header, a path over 64 KiB, a head over its buffer) by
//! itself, with an empty 400, 414 or 431, before the router sees anything; no setting changes
//! that answer. [`ProblemListener`] accepts connections as the TCP listener does and rewrites
//! that one answer, when it is the first thing written on a connection, into an RFC 9457
//! document. Only the first answer is looked at: at offset 0 of a connection's output there can
//! only be a response head, never body bytes that a user chose, so nothing else is ever taken
//! for it. (A malformed request after others on a kept-alive connection still gets hyper's
//! empty answer; the connection closes after it either way.)

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// A TCP listener whose connections are [`ProblemIo`].
pub struct ProblemListener(pub TcpListener);

impl axum::serve::Listener for ProblemListener {
    type Io = ProblemIo<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = axum::serve::Listener::accept(&mut self.0).await;
        (ProblemIo::new(io), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// A connection that rewrites hyper's automatic error answer (see the module's docs).
pub struct ProblemIo<T> {
    inner: T,
    /// Whether anything was written yet: only the first write can be hyper's answer.
    started: bool,
    /// The rewritten answer being sent, how much of it is sent, and how many bytes of the
    /// original to report written once it is all out.
    replacing: Option<(Vec<u8>, usize, usize)>,
}

impl<T> ProblemIo<T> {
    fn new(inner: T) -> Self {
        Self {
            inner,
            started: false,
            replacing: None,
        }
    }
}

/// The problem+json answer that replaces hyper's empty `head`, if `head` is one: a whole
/// response head (nothing after it) of status 400, 414 or 431 with `content-length: 0`.
fn replacement(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let (lines, rest) = text.split_once("\r\n\r\n")?;
    if !rest.is_empty() {
        return None;
    }
    let status: u16 = text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()?;
    let empty = lines
        .split("\r\n")
        .skip(1)
        .any(|l| l.eq_ignore_ascii_case("content-length: 0"));
    let (code, title, detail) = match status {
        400 => (
            "malformed-request",
            "Bad Request",
            "the request could not be read as HTTP/1.1: its request line, path or a header is malformed",
        ),
        414 => (
            "uri-too-long",
            "URI Too Long",
            "the request's path and query are too long",
        ),
        431 => (
            "headers-too-large",
            "Request Header Fields Too Large",
            "the request's headers are too large",
        ),
        _ => return None,
    };
    if !empty {
        return None;
    }
    let body = serde_json::json!({
        "type": format!("urn:guild:problem:{code}"),
        "title": title,
        "status": status,
        "detail": detail,
    })
    .to_string();
    Some(
        format!(
            "HTTP/1.1 {status} {title}\r\ncontent-type: application/problem+json\r\n\
             content-length: {}\r\nconnection: close\r\nx-content-type-options: nosniff\r\n\
             cache-control: no-store\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

impl<T: AsyncWrite + Unpin> ProblemIo<T> {
    /// Sends the rest of a rewritten answer; ready with the original's length once it is out.
    fn drive(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        while let Some((bytes, sent, _)) = &mut self.replacing {
            if *sent == bytes.len() {
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *sent += n;
        }
        let claimed = self.replacing.as_ref().map_or(0, |r| r.2);
        Poll::Ready(Ok(claimed))
    }

    /// Looks at the first write of the connection (`first`, of `total` bytes in all).
    fn look(&mut self, first: &[u8], total: usize) {
        if self.started {
            return;
        }
        self.started = true;
        if first.len() == total
            && let Some(bytes) = replacement(first)
        {
            self.replacing = Some((bytes, 0, total));
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ProblemIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for ProblemIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        this.look(buf, buf.len());
        if this.replacing.is_some() {
            return this.drive(cx);
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if !this.started {
            let total = bufs.iter().map(|b| b.len()).sum();
            if let Some(first) = bufs.iter().find(|b| !b.is_empty()) {
                this.look(first, total);
            }
        }
        if this.replacing.is_some() {
            return this.drive(cx);
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.replacing.is_some() {
            ready!(this.drive(cx))?;
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.replacing.is_some() {
            ready!(this.drive(cx))?;
        }
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::replacement;

    #[test]
    fn only_an_empty_automatic_error_head_is_replaced() {
        let hyper = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: Sun, 06 Dec 2026 12:00:00 GMT\r\n\r\n";
        let answer = String::from_utf8(replacement(hyper).unwrap()).unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{answer}"
        );
        assert!(answer.contains("content-type: application/problem+json"));
        let body = answer.split_once("\r\n\r\n").unwrap().1;
        let problem: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["status"], 400);
        assert!(answer.contains(&format!("content-length: {}\r\n", body.len())));
        for status in ["414 URI Too Long", "431 Request Header Fields Too Large"] {
            let head = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n");
            assert!(replacement(head.as_bytes()).is_some(), "{status}");
        }
        // Our own answers carry bodies, other statuses are left alone, and so is a head
        // with anything after it.
        for kept in [
            &b"HTTP/1.1 400 Bad Request\r\ncontent-length: 20\r\n\r\n"[..],
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\nextra",
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
        ] {
            assert!(
                replacement(kept).is_none(),
                "{}",
                String::from_utf8_lossy(kept)
            );
        }
    }
}
