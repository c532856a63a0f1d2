# Two commands set up everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
WEB_HOST ?= 127.0.0.1
WEB_PORT ?= 8000
SITE_URL ?= http://$(WEB_HOST):$(WEB_PORT)
export WEB_HOST WEB_PORT SITE_URL
# Test processes side by side (pytest-xdist): each keeps its own database and files (cms/settings/test.py).
TEST_WORKERS ?= 2

.PHONY: run test lint bench install system-packages messages setup clean

$(VENV)/.installed-runtime: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed-runtime
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@

install: $(VENV)/.installed-runtime static/vendor/hls.min.js

# The player's hls.js comes from the npm registry, pinned by package-lock.json; never from a CDN.
static/vendor/hls.min.js: package.json package-lock.json
	@command -v npm >/dev/null || { echo "需要 Node.js 与 npm 来安装播放器 (hls.js)：apt-get install nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/hls.js/dist/hls.min.js.map static/vendor/  # collectstatic follows the source map link
	cp node_modules/hls.js/dist/hls.min.js $@

system-packages:
	scripts/system-packages.sh ffmpeg:ffmpeg ffprobe:ffmpeg msgfmt:gettext \
		/usr/share/fonts/truetype/wqy/wqy-microhei.ttc:fonts-wqy-microhei

# The project's own translations (locale/: what Wagtail's zh_Hans catalogue misses). The .mo files are build
# output, kept out of git; compilemessages skips those that are newer than their .po.
messages:
	@command -v msgfmt >/dev/null || { echo "警告：缺少 msgfmt (gettext)，管理后台将有部分英文：apt-get install gettext"; exit 0; }; \
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0

setup: install system-packages messages
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py sync_taxonomy
	$(PY) manage.py load_demo
	$(PY) manage.py ensure_admin

run: setup
	@case "$(WEB_HOST)" in 127.*|localhost|::1) ;; *) \
	  echo "警告：WEB_HOST=$(WEB_HOST) 不是本机回环地址。make run 使用开发设置 (应用自己提供上传文件，DJANGO_DEBUG=1 时显示调试页)，不要在公网上这样运行；正式部署见 README 的生产配置。";; esac
	@echo "================================================================"
	@echo " 工会融媒体中心已启动 (web + worker + scheduler)，按 Ctrl-C 停止"
	@echo " 网站:     http://$(WEB_HOST):$(WEB_PORT)/"
	@echo " 管理后台: http://$(WEB_HOST):$(WEB_PORT)/admin/   (账号见上方 ensure_admin 输出)"
	@echo "================================================================"
	TZ=Asia/Shanghai honcho start -f Procfile  # honcho stamps its lines in Shanghai time too, like every process (TIME_ZONE)

test: $(VENV)/.installed-test static/vendor/hls.min.js
	scripts/system-packages.sh ffmpeg:ffmpeg ffprobe:ffmpeg chromium:chromium msgfmt:gettext /usr/sbin/nginx:nginx \
		redis-server:redis-server \
		/usr/share/fonts/truetype/wqy/wqy-microhei.ttc:fonts-wqy-microhei
	@$(MAKE) --no-print-directory messages
	$(PY) -m pytest -n $(TEST_WORKERS)

# Lint, format and migrations, as CI checks them first (`ruff format .` fixes the formatting).
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py makemigrations --check --dry-run

bench: $(VENV)/.installed-test static/vendor/hls.min.js system-packages
	scripts/system-packages.sh wrk:wrk /usr/sbin/nginx:nginx
	@for script in bench/*.py; do echo "# $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf var test-artifacts .pytest_cache
