// SPDX-License-Identifier: GPL-2.0-or-later
// ole1.h: OLE1 objects (RTF \objdata) and the Packager's native data
// (the "\1Ole10Native" stream of OLE2 files): unwrap the embedded file.
#ifndef VIGIL_FMT_OLE1_H
#define VIGIL_FMT_OLE1_H

#include <stdbool.h>
#include <stddef.h>

#include "util/cursor.h"

/**
 * Find the file inside Packager native data: u16 type, label\0, path\0,
 * u32 reserved, u32 n + temporary path, u32 size + the file's bytes.
 * @param[out] file  the embedded file (cut short if the data is)
 * @param[out] name  the label, printable, NUL-terminated
 * @return true if the layout matched; false if not (use the whole data).
 */
bool vg_ole1_package(struct vigil_span native, struct vigil_span *file,
                     char *name, size_t name_cap);

/**
 * The contents of an "\1Ole10Native" stream: u32 size, then native data.
 * @return the native data (at most size bytes).
 */
struct vigil_span vg_ole10native_data(struct vigil_span stream);

/**
 * An OLE1 object as RTF's \objdata stores it: u32 version, u32 format
 * (2: embedded), u32 n + class name, u32 n + topic, u32 n + item, u32
 * size + native data. Presentation objects (format 5) have no native data.
 * @param[out] native  the native data (cut short if the object is)
 * @param[out] cls     the class name, printable, NUL-terminated
 * @return true if an embedded object was found.
 */
bool vg_ole1_object(struct vigil_span obj, struct vigil_span *native, char *cls,
                    size_t cls_cap);

#endif
