#pragma once
// The offline register snapshot of GET /v1/snapshot (docs/snapshot-format.md):
// every published shelter of one revision in one compact JSON document,
// signed with the operator's Ed25519 key. Built once per revision (it takes
// a moment: gzip level 9 over megabytes) and then served from memory.
//
// Usage:
//   auto doc = sign_snapshot(*holder.current(), key);
//   // doc->body is what the signature covers; doc->gzip goes on the wire.

#include <cstdint>
#include <memory>
#include <string>

#include "api/signing.hpp"
#include "spatial/snapshot.hpp"

namespace rifugio::api {

/// The wire format's name and version, the body's "format" member.
inline constexpr std::string_view kSnapshotFormat = "rifugio-snapshot/1";

/// One revision's snapshot document, ready to send.
struct SignedSnapshot {
  std::int64_t revision = 0;
  std::string etag;       ///< "\"<revision>\"", quotes included
  std::string body;       ///< the JSON document, one line (what the signature covers)
  std::string gzip;       ///< body, gzip-compressed
  std::string signature;  ///< base64 of the 64-byte detached Ed25519 signature of body
};

/// The JSON document for a snapshot. Deterministic: the same snapshot gives
/// the same bytes on every run and every server. Rows are the shelters with a
/// location, in no order the format promises: here along a Hilbert curve over
/// their positions (ties by id), which gzips about 20% smaller than id order.
/// "generated" is the newest update time among them
/// (UTC), so it says how fresh the data is and does not depend on when or
/// where the document was built.
std::string snapshot_body(const spatial::Snapshot& snap);

/// Body, gzip (level 1..9, DEFAULT 9: built once, sent to every device) and signature.
std::shared_ptr<const SignedSnapshot> sign_snapshot(const spatial::Snapshot& snap, const SigningKey& key,
                                                    int gzip_level = 9);

}  // namespace rifugio::api
