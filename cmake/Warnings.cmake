# SPDX-License-Identifier: GPL-2.0-or-later
# Warning flags shared by every vigil target (conventions §33).
set(VIGIL_WARNINGS
    -Wall -Wextra -Wshadow -Wconversion -Wstrict-prototypes
    -Wmissing-prototypes -Werror=missing-prototypes -Wcast-qual -Wundef
    -Wformat=2 -Werror=vla -Wno-sign-conversion)
if(VIGIL_WERROR)
    list(APPEND VIGIL_WARNINGS -Werror)
endif()

function(vigil_target_warnings target)
    target_compile_options(${target} PRIVATE ${VIGIL_WARNINGS})
endfunction()
