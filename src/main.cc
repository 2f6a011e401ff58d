// cardinal-server [config-file] [--directive value ...]: the command line redis-server takes.
// main only parses arguments, sets up logging and the process (daemonize, pidfile), and runs
// the server.
#include <fcntl.h>
#include <unistd.h>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "cardinal/cmd/version.h"
#include "cardinal/config/config.h"
#include "cardinal/server/server.h"
#include "cardinal/util/hash.h"

namespace {

std::string version_line() {
  return "cardinal-server v=" + std::string(cardinal::cmd::kCardinalVersion) +
         " redis_version=" + std::string(cardinal::cmd::kRedisCompatVersion) +
         " bits=" + std::to_string(sizeof(void*) * 8);
}

spdlog::level::level_enum log_level(const std::string& level) {
  if (level == "debug" || level == "verbose") return spdlog::level::debug;
  if (level == "warning") return spdlog::level::warn;
  if (level == "nothing") return spdlog::level::off;
  return spdlog::level::info;
}

// Redis marks each log line with its level: '.' debug, '*' notice, '#' warning.
class LevelMarker final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    char c = msg.level <= spdlog::level::debug ? '.' : msg.level == spdlog::level::info ? '*' : '#';
    dest.push_back(c);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<LevelMarker>();
  }
};

void setup_logging(const cardinal::config::Settings& s) {
  std::shared_ptr<spdlog::logger> logger;
  if (s.logfile.empty()) {
    logger = spdlog::stdout_color_mt("cardinal");
  } else {
    logger = spdlog::basic_logger_mt("cardinal", s.logfile);
    logger->flush_on(spdlog::level::info);
  }
  // Redis's line shape: "pid:M 22 Nov 2026 05:00:00.000 * message".
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<LevelMarker>('*').set_pattern("%P:M %d %b %Y %H:%M:%S.%e %* %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(log_level(s.loglevel));
  spdlog::set_default_logger(logger);
}

bool daemonize() {
  pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid > 0) std::_Exit(0);
  ::setsid();
  int fd = ::open("/dev/null", O_RDWR);
  if (fd >= 0) {
    ::dup2(fd, STDIN_FILENO);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO) ::close(fd);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string config_file;
  if (!args.empty() && !args[0].starts_with("-")) {
    config_file = args[0];
    args.erase(args.begin());
  }

  // CLI11 handles the program's own flags; everything else is redis.conf directives.
  CLI::App app{
      "cardinal: an in-memory data structure server compatible with Redis 7.0.\n"
      "Usage: cardinal-server [/path/to/redis.conf] [--directive value ...]",
      "cardinal-server"};
  app.allow_extras();
  app.set_version_flag("-v,--version", version_line());
  std::vector<std::string> own;
  for (const std::string& a : args)
    if (a == "-v" || a == "--version" || a == "-h" || a == "--help") own.push_back(a);
  try {
    std::vector<std::string> reversed(own.rbegin(), own.rend());
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  // Resolved before loading: a "dir" line changes the working directory while the file is
  // read, and CONFIG REWRITE must still find the file afterwards.
  if (!config_file.empty()) {
    if (char* real = ::realpath(config_file.c_str(), nullptr)) {
      config_file = real;
      std::free(real);
    }
  }
  cardinal::config::Config config;
  std::string error;
  if (!config_file.empty() && !config.load_file(config_file, error)) {
    std::cerr << error << std::endl;
    return 1;
  }
  if (!config.load_arguments(args, error)) {
    std::cerr << error << std::endl;
    return 1;
  }
  const cardinal::config::Settings& s = config.settings();
  if (s.daemonize && !daemonize()) {
    std::cerr << "fork failed" << std::endl;
    return 1;
  }
  setup_logging(s);
  for (const std::string& w : config.warnings()) spdlog::warn("{}", w);
  config.on_change = [&config](const std::vector<std::string>& changed) {
    for (const std::string& name : changed)
      if (name == "loglevel") spdlog::set_level(log_level(config.settings().loglevel));
  };
  if (!s.pidfile.empty()) std::ofstream(s.pidfile) << ::getpid() << "\n";

  cardinal::util::randomize_hash_secret();
  int rc = 0;
  {
    cardinal::server::Server server(config);
    char exe[4096];
    ssize_t n = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    server.state().executable = n > 0 ? std::string(exe, static_cast<size_t>(n)) : argv[0];
    server.state().config_file = config_file;
    spdlog::info("cardinal {} (redis {} compatible) starting, pid {}",
                 cardinal::cmd::kCardinalVersion, cardinal::cmd::kRedisCompatVersion, ::getpid());
    if (!server.listen()) {
      rc = 1;
    } else {
      server.run();
    }
  }
  if (!s.pidfile.empty()) ::unlink(s.pidfile.c_str());
  spdlog::shutdown();
  return rc;
}
