#include "api/throttle.hpp"

#include <algorithm>

namespace rifugio::api {

void SignInThrottle::forget_old(std::deque<UnixTime>& f, UnixTime now) const {
  while (!f.empty() && f.front() <= now - opts_.window_s) f.pop_front();
}

UnixTime SignInThrottle::wait(const std::string& key, UnixTime now) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  auto& f = it->second;
  forget_old(f, now);
  if (f.empty()) {
    failures_.erase(it);
    return 0;
  }
  if (f.size() < opts_.free_failures) return 0;
  // 30 s after the 5th failure, 60 s after the 6th, ... up to the maximum.
  const std::size_t extra = std::min<std::size_t>(f.size() - opts_.free_failures, 30);
  const UnixTime delay = std::min(opts_.first_delay_s << extra, opts_.max_delay_s);
  return std::max<UnixTime>(0, f.back() + delay - now);
}

void SignInThrottle::failed(const std::string& key, UnixTime now) {
  if (failures_.size() >= opts_.max_keys && !failures_.count(key)) {
    // Full (many names tried): drop what has aged out, else the key whose
    // newest failure is oldest.
    for (auto it = failures_.begin(); it != failures_.end();) {
      forget_old(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() >= opts_.max_keys)
      failures_.erase(std::min_element(failures_.begin(), failures_.end(), [](const auto& a, const auto& b) {
        return a.second.back() < b.second.back();
      }));
  }
  auto& f = failures_[key];
  forget_old(f, now);
  f.push_back(now);
  // Only the newest few matter for the delay; keep memory per key bounded.
  while (f.size() > opts_.free_failures + 40) f.pop_front();
}

void SignInThrottle::succeeded(const std::string& key) { failures_.erase(key); }

void SignInThrottle::forgive_one(const std::string& key) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return;
  it->second.pop_back();
  if (it->second.empty()) failures_.erase(it);
}

}  // namespace rifugio::api
