#include "api/events.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace rifugio::api {

namespace {

/// Fields a `status` event carries; a change to any other editable field
/// makes the diff incomplete.
bool live_field(std::string_view f) { return f == "status" || f == "occupancy" || f == "capacity"; }

void append_optional(std::string& out, const std::optional<std::int32_t>& v) {
  if (v) fmt::format_to(std::back_inserter(out), "{}", *v);
  else out += "null";
}

}  // namespace

std::string status_event(const Shelter& s, std::int64_t revision) {
  std::string out;
  out.reserve(160);
  fmt::format_to(std::back_inserter(out), "event: status\nid: {}\ndata: {{\"id\":{},\"status\":\"{}\",\"occupancy\":",
                 revision, s.id, to_string(s.status));
  append_optional(out, s.occupancy);
  out += ",\"capacity\":";
  append_optional(out, s.capacity);
  out += ",\"status_time\":";
  if (s.status_time) fmt::format_to(std::back_inserter(out), "\"{}\"", format_time(s.status_time));
  else out += "null";
  fmt::format_to(std::back_inserter(out), ",\"revision\":{}}}\n\n", revision);
  return out;
}

std::string revision_event(std::int64_t revision, std::int64_t previous, bool complete) {
  if (previous < 0) return fmt::format("event: revision\nid: {0}\ndata: {{\"revision\":{0}}}\n\n", revision);
  return fmt::format("event: revision\nid: {0}\ndata: {{\"revision\":{0},\"previous\":{1},\"complete\":{2}}}\n\n",
                     revision, previous, complete);
}

SnapshotDiff diff_snapshots(const spatial::Snapshot& before, const spatial::Snapshot& after, std::size_t max_events) {
  SnapshotDiff d;
  const auto& a = before.shelters();
  const auto& b = after.shelters();
  auto ia = a.begin();
  auto ib = b.begin();
  std::size_t live_changes = 0;
  auto emit = [&](const Shelter& s) {
    if (++live_changes <= max_events) d.status_events += status_event(s, after.revision());
  };
  // Both are sorted by id: one merge pass. Records whose version did not
  // change are equal, so only the few edited ones are compared field by field.
  while (ia != a.end() || ib != b.end()) {
    if (ib == b.end() || (ia != a.end() && ia->id < ib->id)) {  // retired or deleted
      d.complete = false;
      ++ia;
      continue;
    }
    if (ia == a.end() || ib->id < ia->id) {  // new
      d.complete = false;
      ++ib;
      continue;
    }
    if (ia->version != ib->version || ia->status_time != ib->status_time) {
      bool live = ia->status_time != ib->status_time;
      for (const auto& f : changed_fields(*ia, *ib)) {
        if (live_field(f)) live = true;
        else d.complete = false;
      }
      if (live) emit(*ib);
    }
    ++ia;
    ++ib;
  }
  if (live_changes > max_events) {  // too many to be worth streaming: clients refetch
    d.status_events.clear();
    d.complete = false;
  } else {
    d.status_count = live_changes;
  }
  return d;
}

std::uint64_t EventHub::listen(Listener l) {
  std::lock_guard lock(mutex_);
  listeners_.emplace(next_key_, std::move(l));
  return next_key_++;
}

void EventHub::unlisten(std::uint64_t key) {
  std::lock_guard lock(mutex_);
  listeners_.erase(key);
}

void EventHub::publish(const spatial::Snapshot* before, const spatial::Snapshot& after) {
  auto batch = std::make_shared<EventBatch>();
  batch->revision = after.revision();
  if (before) {
    SnapshotDiff d = diff_snapshots(*before, after, opts_.max_status_events);
    batch->text = std::move(d.status_events);
    batch->count = d.status_count;
    batch->text += revision_event(after.revision(), before->revision(), d.complete);
  } else {
    batch->text = revision_event(after.revision(), -1, false);
  }
  ++batch->count;
  std::shared_ptr<const EventBatch> shared = std::move(batch);
  std::lock_guard lock(mutex_);
  for (auto& [key, listener] : listeners_) listener(shared);
}

}  // namespace rifugio::api
