// The one place the server layer includes Boost.Asio. Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, which breaks under C++20 with g++ 12, so <utility>
// must come first. Include this header instead of <boost/asio.hpp>.
#pragma once

#include <utility>

#include <boost/asio.hpp>
