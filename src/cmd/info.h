// INFO's text: the sections Redis reports, with real numbers where cardinal has them and
// Redis's neutral values for features it does not have (replication, modules). Event-loop only.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "cardinal/cmd/server_state.h"

namespace cardinal::cmd {

// `sections` as given to INFO (empty = "default"); unknown names yield nothing, as in Redis.
std::string render_info(ServerState& server, std::span<const std::string_view> sections);

}  // namespace cardinal::cmd
