/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What lm-nvme.c needs from the nvme-cli tree it is compiled into, for
 * every tree the plugin supports:
 *
 *   nvme-cli 2.x      nvme.h (argconfig, NVME_VERSION via config.h, libnvme)
 *                     and plugin.h at the top of the tree; commands
 *                     registered with the PLUGIN()/ENTRY() X-macros.
 *   nvme-cli 3.0-rc1  the program's sources under src/ (argconfig.h,
 *                     plugin.h, cmd.h); no nvme.h; NVME_VERSION from the
 *                     forced-included nvme-config.h; still X-macros.
 *   nvme-cli 3.0      as 3.0-rc1, but no cmd.h/define_cmd.h: a plugin
 *                     registers itself from a constructor with
 *                     plugin_add_group() and register_extension().
 *
 * plugins/lm/meson.build decides per tree and writes its answers to
 * plugins/lm/lm-config.h in the build directory (LM_TREE_SRC_DIR,
 * LM_REGISTER_CTOR, ...). Without that file (a compile outside meson) the
 * tree is told apart with __has_include.
 */
#ifndef LM_COMPAT_H
#define LM_COMPAT_H

#if __has_include("plugins/lm/lm-config.h")
#include "plugins/lm/lm-config.h"
#else
#if __has_include("src/argconfig.h")
#define LM_TREE_SRC_DIR 1
#endif
#if !__has_include("define_cmd.h")
#define LM_REGISTER_CTOR 1
#endif
#endif

#ifdef LM_TREE_SRC_DIR
#include "argconfig.h"
#else
#include "nvme.h"
#endif
#include "plugin.h"

#endif /* LM_COMPAT_H */
