// Versions cardinal reports. Client libraries gate features on redis_version, so INFO and HELLO
// report the Redis release whose behaviour cardinal implements; cardinal's own version has its
// own field (INFO cardinal_version). Constants; any thread.
#pragma once

#include <string_view>

namespace cardinal::cmd {

inline constexpr std::string_view kRedisCompatVersion = "7.0.15";
#ifdef CARDINAL_VERSION
inline constexpr std::string_view kCardinalVersion = CARDINAL_VERSION;
#else
inline constexpr std::string_view kCardinalVersion = "0.0.0";
#endif

}  // namespace cardinal::cmd
