// Dispatcher: runs one parsed command for one session. Every check that applies to all
// commands lives here, once, with Redis's texts and order: unknown command, arity, unknown
// subcommand, authentication; then MONITOR feeding, the handler, CLIENT REPLY suppression and
// statistics. Never throws. Event-loop thread only.
#pragma once

#include <span>
#include <string_view>

#include "cardinal/cmd/server_state.h"
#include "cardinal/cmd/session.h"

namespace cardinal::cmd {

void execute(ServerState& server, Session& session, std::span<const std::string_view> args);

}  // namespace cardinal::cmd
