// client-output-buffer-limit enforcement: which class a client belongs to, and closing it when
// its pending output passes the class's hard limit, or stays above the soft limit for longer
// than allowed. Called whenever output is added for a client outside its own replies (Pub/Sub
// messages) and after each batch of its own commands. Event-loop thread only.
#pragma once

#include <cstdint>

#include "cardinal/cmd/session.h"
#include "cardinal/config/config.h"

namespace cardinal::cmd {

config::ClientClass client_class(const Session& s);

// True when `s` went past its limit; it has then been told to close without sending what is
// pending (Session::close_for_output_limit).
bool enforce_output_limit(const config::Settings& settings, int64_t now_ms, Session& s);

}  // namespace cardinal::cmd
