# SPDX-License-Identifier: GPL-3.0-or-later
# Turns the default scenario file IN into a C source OUT defining
# cor_default_scenario (NUL-terminated) and cor_default_scenario_len.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE "${OUT}" "/* Generated from the default scenario by scripts/embed.cmake. */\n#include <stddef.h>\nextern const char *const cor_default_scenario;\nextern const size_t cor_default_scenario_len;\nstatic const unsigned char bytes[] = {\n${body}0x00};\nconst char *const cor_default_scenario = (const char *)bytes;\nconst size_t cor_default_scenario_len = ${len};\n")
