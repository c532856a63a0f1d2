"""The shipped nginx site (deploy/nginx/union-media-center.conf) run on loopback ports by a test or a benchmark:
the shipped file with only the machine's parts swapped, a self-signed certificate, nginx as `nobody` when run
as root. tests/ops/test_nginx_front.py checks the site; bench/faults.py loads the application through it."""

import os
import pwd
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
SITE = DEPLOY / "nginx" / "union-media-center.conf"
HOST = "news.example.cn"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def example_environment():
    """The variables deploy/environment.example sets (its uncommented lines)."""
    values = {}
    for line in (DEPLOY / "environment.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def render_site(folder, ports):
    """The shipped site with the machine-specific parts swapped; each swapped text must be in the file, so
    a change to it shows here instead of leaving the test on an old copy."""
    text = SITE.read_text()
    swaps = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{ports['gunicorn']};",
        "listen 80;": f"listen 127.0.0.1:{ports['http']};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{ports['https']} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        f"/etc/letsencrypt/live/{HOST}/fullchain.pem": str(folder / "tls" / "cert.pem"),
        f"/etc/letsencrypt/live/{HOST}/privkey.pem": str(folder / "tls" / "key.pem"),
        "/var/lib/union-media-center/": f"{folder / 'var'}/",
        "root /var/www/html;": f"root {folder / 'acme'};",
    }
    for shipped, here in swaps.items():
        assert shipped in text, f"{SITE.relative_to(REPO)} no longer holds {shipped!r}: update the swaps here"
        text = text.replace(shipped, here)
    return text


def main_config(run):
    """What Debian's /etc/nginx/nginx.conf gives a site (its http block), with this run's own files."""
    return f"""
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 512; }}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    gzip on;
    access_log {run}/access.log;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    include {run}/union-media-center.conf;
}}
"""


def self_signed_certificate(folder):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def unprivileged():
    """Popen options running nginx as `nobody` when the tests run as root; as the current user otherwise."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}
