# ecconf: configuration compiler and runtime for Momentum's ecelerity.conf.
#
#   make                 build ecconf and ecconfd
#   make check           build and run every test
#   make SAN=1 check     the same under AddressSanitizer and UBSan
#   make fuzz            build the libFuzzer target (clang)
#   make install         PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKG_CONFIG ?= pkg-config

ifeq ($(SAN),1)
BUILD   ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=all
OPT     ?= -O1
else
BUILD   ?= build
SANFLAGS =
OPT     ?= -O2
endif

PKGS     = lua5.4 sqlite3 libevent libevent_pthreads libssl libcrypto
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS))
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka)

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) $(SANFLAGS) -D_GNU_SOURCE \
           -I. -I$(BUILD) $(PKG_CFLAGS)
LDLIBS   = $(PKG_LIBS) -lpthread -lm
ALL_LDFLAGS = -Wl,--as-needed $(LDFLAGS) $(SANFLAGS)

# Every .c under these folders belongs to the library, except the mains.
LIB_SRC  = $(filter-out %_main.c, \
           $(wildcard runtime/*.c modules/*.c lua/*.c grammar/*.c))
GEN_SRC  = $(BUILD)/grammar/lexer.c $(BUILD)/grammar/parser.c
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o) $(GEN_SRC:.c=.o)
LIB      = $(BUILD)/libecconf.a

BINS     = $(BUILD)/ecconf $(BUILD)/ecconfd
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC = $(wildcard tests/tools/*.c)
TOOL_BIN = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/%)

.PHONY: all check unit install clean fuzz bench
.SECONDARY:

all: $(BINS)

$(BUILD)/grammar/parser.c $(BUILD)/grammar/parser.h: grammar/parser.y
	@mkdir -p $(dir $@)
	bison -Wall -Werror --defines=$(BUILD)/grammar/parser.h \
	    -o $(BUILD)/grammar/parser.c $<

$(BUILD)/grammar/lexer.c $(BUILD)/grammar/lexer.h: grammar/lexer.l
	@mkdir -p $(dir $@)
	flex --header-file=$(BUILD)/grammar/lexer.h \
	    -o $(BUILD)/grammar/lexer.c $<

# The generated scanner and parser do not pass every warning we enable.
$(BUILD)/grammar/%.o: $(BUILD)/grammar/%.c $(BUILD)/grammar/parser.h \
                      $(BUILD)/grammar/lexer.h
	$(CC) $(ALL_CFLAGS) -Wno-unused-function -Wno-missing-prototypes \
	    -Wno-sign-compare -c -o $@ $<

$(BUILD)/%.o: %.c $(BUILD)/grammar/parser.h $(BUILD)/grammar/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/ecconf: $(BUILD)/runtime/ecconf_main.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/ecconfd: $(BUILD)/runtime/ecconfd_main.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(CMOCKA_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

unit: $(UNIT_BIN)

# Unit tests first, then every script in tests/check/ in name order; each
# script gets the build folder as its argument.
check: all $(UNIT_BIN) $(TOOL_BIN)
	@BUILD=$(BUILD) sh tests/run-checks.sh $(UNIT_BIN)

FUZZ_CC ?= clang
fuzz: $(BUILD)/fuzz/fuzz_parse

# The parser alone: the fuzzer needs none of the runtime.
PARSE_SRC = grammar/lexer.l grammar/parser.y $(addprefix runtime/, \
            arena.c intern.c diag.c load.c dump.c)
$(BUILD)/fuzz/fuzz_parse: tests/fuzz/fuzz_parse.c $(filter %.c, $(PARSE_SRC)) \
                          $(GEN_SRC)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -g -O1 -std=gnu11 -D_GNU_SOURCE -DEC_FUZZING \
	    -fsanitize=fuzzer,address,undefined -I. -I$(BUILD) $(PKG_CFLAGS) \
	    -o $@ $^ $(LDLIBS)

bench: all
	sh bench/parse.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin
	install -m 755 $(BUILD)/ecconf $(DESTDIR)$(PREFIX)/bin/ecconf
	install -m 755 $(BUILD)/ecconfd $(DESTDIR)$(PREFIX)/sbin/ecconfd
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8
	for m in docs/*.1; do [ -f "$$m" ] && install -m 644 "$$m" \
	    $(DESTDIR)$(PREFIX)/share/man/man1/ || true; done
	for m in docs/*.5; do [ -f "$$m" ] && install -m 644 "$$m" \
	    $(DESTDIR)$(PREFIX)/share/man/man5/ || true; done
	for m in docs/*.8; do [ -f "$$m" ] && install -m 644 "$$m" \
	    $(DESTDIR)$(PREFIX)/share/man/man8/ || true; done

clean:
	rm -rf build build-san

-include $(LIB_OBJ:.o=.d)
