// Imports over HTTP through the handler: the mapping list, a dry run whose
// report is the one `rifugio import --report` writes for the same file,
// rejected rows with their values, the private upload folder, editors
// limited to their region, and a commit published at once.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "import/importer.hpp"
#include "write_fixture.hpp"

namespace rifugio::api {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMapping = R"({"source":"up","title":"Uploads","country":"NO","licence":"test",
  "files":[{"path":"up/list.csv"}],
  "fields":{"key":"id","name":"name","address":"addr","municipality":"kommune","capacity":"places"},
  "location":{"lon":"lon","lat":"lat"}})";

// Two shelters in Oslo, one in Bærum, one with a bad longitude.
constexpr const char* kCsv =
    "id,name,addr,kommune,places,lon,lat\n"
    "u1,Vaterland,Vaterlands gate 1,Oslo,120,10.7580,59.9140\n"
    "u2,Grünerløkka,Thorvald Meyers gate 2,Oslo,80,10.7590,59.9230\n"
    "u3,Sandvika,Rådhustorget 1,Bærum,60,10.5240,59.8910\n"
    "u4,Broken,Storgata 4,Oslo,50,abc,59.9100\n";

class Imports : public WriteApi {
 protected:
  void SetUp() override {
    WriteApi::SetUp();
    // Uploads go to the temp folder: this test's own, so counting its
    // folders is not disturbed by tests running beside it (ctest -j2).
    fs::create_directories(dir.path() / "tmp");
    setenv("TMPDIR", (dir.path() / "tmp").c_str(), 1);
    fs::create_directories(mappings);
    std::ofstream(mappings / "up.json") << kMapping;
    std::ofstream(mappings / "two.json")
        << R"({"source":"two","files":[{"path":"a.csv"},{"path":"b.csv"}],"fields":{"key":"id"},"location":{"lon":"x","lat":"y"}})";
    std::ofstream(mappings / "README.md") << "not a mapping";
  }
  Response upload(const std::string& who, const std::string& query, const std::string& body,
                  std::string method = "POST") {
    Request r{.method = std::move(method), .target = "/v1/imports" + query};
    if (!who.empty()) r.headers.emplace_back("Authorization", "Bearer " + tokens[who]);
    r.headers.emplace_back("Content-Type", "text/csv");
    r.body = body;
    return importing.handle(r);
  }
  static std::size_t upload_dirs() {
    std::size_t n = 0;
    for (auto& e : fs::directory_iterator(fs::temp_directory_path()))
      n += e.path().filename().string().starts_with("rifugio-import-");
    return n;
  }

  fs::path mappings = dir.path() / "mappings";
  Handler importing{holder,
                    {.writer = std::make_shared<Writer>(
                         std::make_unique<SqliteStore>(dir.file("r.db")),
                         [this](Store& s, std::int64_t rev) { holder.replace(spatial::Snapshot::build(rev, s.list({}))); },
                         ImportSettings{.mappings_dir = mappings.string(), .borders_path = rifugio::test::borders_path()})}};
};

TEST_F(Imports, MappingsListsTheUploadableOnes) {
  Response r = upload("root", "/mappings", "", "GET");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(test::body_json(r), json::parse(R"({"mappings":[{"name":"up","source":"up","title":"Uploads","format":"csv",
    "file":"up/list.csv","country":"NO","complete":false}]})"));
  EXPECT_EQ(upload("ed", "/mappings", "", "GET").status, 200);
  problem(upload("ola", "/mappings", "", "GET"), 403, "forbidden");
  problem(upload("", "/mappings", "", "GET"), 401, "unauthorized");
  problem(handler.handle({.method = "GET", .target = "/v1/imports/mappings",
                          .headers = {{"Authorization", "Bearer " + tokens["root"]}}}),
          404, "not_found");  // a server without --mappings
}

TEST_F(Imports, DryRunReportIsTheCommandLinesAndWritesNothing) {
  const std::size_t dirs_before = upload_dirs();
  Response r = upload("root", "?mapping=up&dry_run=true", kCsv);
  ASSERT_EQ(r.status, 200) << r.body;
  json j = test::body_json(r);
  EXPECT_EQ(j["committed"], false);
  EXPECT_FALSE(j.contains("revision"));
  EXPECT_EQ(j["may_commit"], true);
  EXPECT_EQ(holder.current()->revision(), 1) << "a dry run writes nothing";
  EXPECT_EQ(upload_dirs(), dirs_before) << "the upload is removed";

  // The reference: the importer run as `rifugio import --dry-run --report` runs it, on the same bytes.
  fs::create_directories(dir.path() / "data" / "up");
  std::ofstream(dir.path() / "data" / "up" / "upload.csv") << kCsv;
  auto m = import::load_mapping((mappings / "up.json").string());
  m.files[0].path = "up/upload.csv";
  SqliteStore side(dir.file("r.db"));
  json reference = import::to_json(import::run_import(
      side, m, {.data_dir = (dir.path() / "data").string(), .borders_path = rifugio::test::borders_path(), .dry_run = true}));
  json report = j["report"];
  for (json* x : {&report, &reference}) {
    x->erase("seconds");
    x->erase("files");
    for (auto& i : (*x)["issues"]) i.erase("file");
  }
  EXPECT_EQ(report, reference);
  EXPECT_EQ(j["report"]["files"], json({"upload.csv"}));
  EXPECT_EQ(report["counts"]["accepted"], 3);
  EXPECT_EQ(report["counts"]["rejected"], 1);
  // The rejected row carries what was read, to fix and create it.
  json rejected = report["issues"][0];
  EXPECT_EQ(rejected["reason"], "bad_location");
  EXPECT_EQ(rejected["values"], json({{"external_id", "u4"}, {"name", "Broken"}, {"address", "Storgata 4"},
                                      {"municipality", "Oslo"}, {"country", "NO"}, {"capacity", "50"},
                                      {"lon", "abc"}, {"lat", "59.9100"}}));
}

TEST_F(Imports, EditorsCommitOnlyInsideTheirRegionAdminsAnything) {
  // The editor of Oslo may validate the file, but it holds a Bærum shelter.
  Response dry = upload("ed", "?mapping=up&dry_run=true", kCsv);
  ASSERT_EQ(dry.status, 200) << dry.body;
  json d = test::body_json(dry);
  EXPECT_EQ(d["may_commit"], false);
  EXPECT_EQ(d["outside_region"], 1);
  EXPECT_NE(d["outside_region_example"].get<std::string>().find("u3"), std::string::npos) << d;
  json refused = problem(upload("ed", "?mapping=up&dry_run=false", kCsv), 403, "forbidden");
  EXPECT_NE(refused["detail"].get<std::string>().find("u3"), std::string::npos) << refused;
  EXPECT_EQ(holder.current()->revision(), 1) << "nothing was imported";
  SqliteStore side(dir.file("r.db"));
  EXPECT_FALSE(side.find({"up", "u1"}));
  problem(upload("ola", "?mapping=up&dry_run=true", kCsv), 403, "forbidden");

  // Without the Bærum row the editor may commit.
  std::string oslo = kCsv;
  oslo.erase(oslo.find("u3,"), oslo.find("u4,") - oslo.find("u3,"));
  Response ok = upload("ed", "?mapping=up&dry_run=false", oslo);
  ASSERT_EQ(ok.status, 200) << ok.body;
  json c = test::body_json(ok);
  EXPECT_EQ(c["committed"], true);
  EXPECT_EQ(c["revision"], 2);
  EXPECT_EQ(c["report"]["counts"]["created"], 2);
  ASSERT_EQ(holder.current()->revision(), 2) << "published before the answer";
  auto id = side.find({"up", "u1"});
  ASSERT_TRUE(id);
  ASSERT_TRUE(holder.current()->by_id(*id));
  json audit = test::body_json(call("GET", "/v1/audit?shelter=" + std::to_string(*id), "root"))["entries"];
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0]["actor"], "ed");
  EXPECT_NE(audit[0]["reason"].get<std::string>().find("import up"), std::string::npos) << audit[0];
  // An admin imports the whole file: one more created, the rest unchanged.
  Response all = upload("root", "?mapping=up&dry_run=false", kCsv);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(test::body_json(all)["report"]["counts"]["created"], 1);
  EXPECT_EQ(test::body_json(all)["report"]["counts"]["unchanged"], 2);
  EXPECT_EQ(holder.current()->revision(), 3);
}

TEST_F(Imports, BadRequestsSayWhatIsWrong) {
  auto param = [&](const std::string& query, int status, const std::string& code) {
    SCOPED_TRACE(query);
    json j = problem(upload("root", query, kCsv), status, code);
    EXPECT_FALSE(j.value("parameter", "").empty()) << "names the parameter";
  };
  param("", 400, "missing_parameter");
  param("?mapping=../mappings/up", 400, "invalid_parameter");
  param("?mapping=%2Fetc%2Fpasswd", 400, "invalid_parameter");
  param("?mapping=.hidden", 400, "invalid_parameter");
  param("?mapping=up%27%29%3B%20DROP%20TABLE%20shelters%3B--", 400, "invalid_parameter");
  param("?mapping=up%00", 400, "invalid_parameter");
  param("?mapping=nothere", 400, "invalid_parameter");
  param("?mapping=two", 400, "invalid_parameter");  // two files
  param("?mapping=up&dry_run=maybe", 400, "invalid_parameter");
  param("?mapping=up&mapping=up", 400, "invalid_parameter");
  param("?mapping=up&commit=1", 400, "unknown_parameter");
  problem(upload("root", "?mapping=up", ""), 400, "invalid_body");
  problem(upload("root", "?mapping=up", "", "PUT"), 405, "method_not_allowed");
  problem(upload("root", "/mappings", "", "POST"), 405, "method_not_allowed");
  EXPECT_EQ(holder.current()->revision(), 1);
}

}  // namespace
}  // namespace rifugio::api
