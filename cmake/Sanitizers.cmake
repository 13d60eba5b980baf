# SPDX-License-Identifier: GPL-2.0-or-later
# VIGIL_SANITIZE=address,undefined builds everything with those sanitizers and
# makes any report fatal, so ctest fails on the first finding.
if(VIGIL_SANITIZE)
    add_compile_options(-fsanitize=${VIGIL_SANITIZE} -fno-sanitize-recover=all
                        -fno-omit-frame-pointer -g)
    add_link_options(-fsanitize=${VIGIL_SANITIZE} -fno-sanitize-recover=all)
endif()
