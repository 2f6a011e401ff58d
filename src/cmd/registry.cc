// The list of command families: adding a family means adding one line here.
#include "cardinal/cmd/command_table.h"
#include "cardinal/cmd/families.h"

namespace cardinal::cmd {

std::vector<std::span<const CommandSpec>> command_families() {
  return {string_commands(),        counter_commands(),    lcs_commands(),
          key_commands(),           set_commands(),        set_algebra_commands(),
          hash_commands(),          list_commands(),       blocking_list_commands(),
          zset_commands(),          zset_range_commands(), zset_algebra_commands(),
          blocking_zset_commands(), expire_commands(),     connection_commands(),
          client_commands(),        server_commands(),     config_commands(),
          slowlog_commands(),       latency_commands(),    object_commands(),
          introspection_commands(), pubsub_commands(),     transaction_commands(),
          persistence_commands()};
}

}  // namespace cardinal::cmd
