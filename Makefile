# Thin targets; everything installs from package.json. The two commands of the README: `make demo`, `make test`.
.PHONY: install spec generate check-generated lint lint-code format format-check typecheck test test-unit test-contract test-live demo mock build bench clean

NODE_MODULES := node_modules/.install-stamp
TSX := node_modules/.bin/tsx

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

install: $(NODE_MODULES)

# spec sources -> spec/openapi.yaml and spec/views/{plaintext,wire}.yaml
spec: $(NODE_MODULES)
	$(TSX) codegen/spec/build.ts

# the spec, then hey-api + ts-morph -> generated/ and the README's operation table
generate: spec
	$(TSX) codegen/client/generate.ts

# regenerates into a temporary folder and fails when spec/, generated/ or the README table differ from it
check-generated: $(NODE_MODULES)
	$(TSX) codegen/check-generated.ts

lint: $(NODE_MODULES)
	node_modules/.bin/spectral lint --fail-severity error spec/openapi.yaml spec/views/plaintext.yaml spec/views/wire.yaml

# Biome on the hand-written code (src/ codegen/ test/ examples/; never generated/): the linter, in `make test`.
lint-code: $(NODE_MODULES)
	node_modules/.bin/biome lint

# The formatter: `make format` writes, `make format-check` (in `make test`) fails on unformatted hand-written code.
format: $(NODE_MODULES)
	node_modules/.bin/biome format --write

format-check: $(NODE_MODULES)
	node_modules/.bin/biome format

typecheck: $(NODE_MODULES)
	node_modules/.bin/tsc -p tsconfig.json

test-unit: $(NODE_MODULES)
	node_modules/.bin/vitest run --project unit

test-contract: $(NODE_MODULES)
	node_modules/.bin/vitest run --project contract

# Everything CI runs.
test: check-generated lint lint-code format-check typecheck
	node_modules/.bin/vitest run

# Against ECPay's real stage server (needs network): off by default.
test-live: $(NODE_MODULES)
	ECPAY_LIVE_STAGE=1 node_modules/.bin/vitest run --project live

demo: $(NODE_MODULES)
	@[ -f generated/operations.gen.ts ] || $(MAKE) generate
	$(TSX) src/demo.ts

mock: $(NODE_MODULES)
	$(TSX) src/mock-cli.ts --port $${PORT:-4010}

build: $(NODE_MODULES)
	$(TSX) codegen/build-package.ts

bench: $(NODE_MODULES)
	$(TSX) test/bench/run.ts

clean:
	rm -rf dist node_modules .tmp
