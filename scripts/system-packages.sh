#!/usr/bin/env bash
# Install the Debian packages the project needs when they are missing: "command:package" pairs.
# Usage: scripts/system-packages.sh ffmpeg:ffmpeg chromium:chromium
set -euo pipefail

missing=()
for pair in "$@"; do
  check=${pair%%:*}
  package=${pair#*:}
  if [[ $check == /* ]]; then
    [[ -e $check ]] || missing+=("$package")
  else
    command -v "$check" >/dev/null 2>&1 || missing+=("$package")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  # Not fatal: the site runs without them; videos and browser tests need them and will say so.
  echo "警告：缺少系统软件包 ${missing[*]}，且没有权限安装。请以 root 运行：apt-get install -y ${missing[*]}" >&2
  exit 0
fi
echo "安装系统软件包：${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
