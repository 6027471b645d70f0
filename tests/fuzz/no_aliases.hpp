// A property both config fuzz targets check: the resolved text of a loaded experiment holds no
// YAML anchor or alias. An alias in it would mean two places share one node, and setting one of
// them (a sweep point, an override, a higher layer) would silently set the other as well.
#pragma once

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <string>

namespace fairmc_fuzz {

class AnchorCount : public YAML::EventHandler {
 public:
  int count = 0;
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t a) override { count += a != 0; }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { ++count; }
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t a,
                const std::string&) override {
    count += a != 0;
  }
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t a,
                       YAML::EmitterStyle::value) override {
    count += a != 0;
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t a,
                  YAML::EmitterStyle::value) override {
    count += a != 0;
  }
  void OnMapEnd() override {}
};

inline bool has_anchors(const std::string& yaml_text) {
  std::istringstream in(yaml_text);
  YAML::Parser parser(in);
  AnchorCount h;
  while (parser.HandleNextDocument(h)) {
  }
  return h.count > 0;
}

}  // namespace fairmc_fuzz
