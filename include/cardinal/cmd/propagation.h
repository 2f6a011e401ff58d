// Propagation: the stream of writes in a form that replays to the same dataset — the basis of
// the append-only file (and of replicas). Each command that changed something is passed on
// once, after it ran, with its own arguments or, for commands whose arguments would not replay
// the same (relative expiry times, random picks, blocking forms), the commands it asked for
// instead (CommandContext::propagate_as). Keys deleted because their TTL passed are passed on
// as DEL. A transaction's writes come wrapped in MULTI ... EXEC. Event-loop thread only.
#pragma once

#include <span>
#include <string_view>

namespace cardinal::cmd {

class PropagationSink {
 public:
  virtual ~PropagationSink() = default;
  // `db` is the database the command ran in (the sink emits SELECT when it changes).
  virtual void command(int db, std::span<const std::string_view> argv) = 0;
};

}  // namespace cardinal::cmd
