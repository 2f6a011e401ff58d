// The command families: each returns its table of CommandSpec rows. registry.cc lists them
// explicitly (no self-registering static initializers). Pure data; any thread.
#pragma once

#include <span>

#include "cardinal/cmd/command_spec.h"

namespace cardinal::cmd {

std::span<const CommandSpec> string_commands();
std::span<const CommandSpec> counter_commands();
std::span<const CommandSpec> lcs_commands();
std::span<const CommandSpec> key_commands();
std::span<const CommandSpec> set_commands();
std::span<const CommandSpec> set_algebra_commands();
std::span<const CommandSpec> hash_commands();
std::span<const CommandSpec> list_commands();
std::span<const CommandSpec> blocking_list_commands();
std::span<const CommandSpec> zset_commands();
std::span<const CommandSpec> blocking_zset_commands();
std::span<const CommandSpec> zset_range_commands();
std::span<const CommandSpec> zset_algebra_commands();
std::span<const CommandSpec> expire_commands();
std::span<const CommandSpec> connection_commands();
std::span<const CommandSpec> client_commands();
std::span<const CommandSpec> server_commands();
std::span<const CommandSpec> persistence_commands();
std::span<const CommandSpec> config_commands();
std::span<const CommandSpec> slowlog_commands();
std::span<const CommandSpec> latency_commands();
std::span<const CommandSpec> transaction_commands();
std::span<const CommandSpec> pubsub_commands();
std::span<const CommandSpec> object_commands();
std::span<const CommandSpec> introspection_commands();

}  // namespace cardinal::cmd
