# Task runner. Every target installs what is missing first (scripts/bootstrap.sh).
.PHONY: demo test pkg bootstrap

## Set up what is missing, build the package and the demo, serve it on 127.0.0.1.
demo:
	@bash scripts/demo.sh

## Run every test: lint, native, headless Chromium (wasm-bindgen-test), end-to-end.
test:
	@bash scripts/test.sh

## Build the npm package into pkg/.
pkg:
	@bash scripts/bootstrap.sh && bash scripts/pkg.sh

## Install the toolchain and dependencies only.
bootstrap:
	@bash scripts/bootstrap.sh
