#include "engine/describe_json.hpp"

#include "engine/json_writer.hpp"
#include "engine/results_json.hpp"
#include "engine/sweep_fit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace fairmc {

namespace {

// A swept key's values typed as the results file stores them (engine/results_file.cpp,
// write_axis_values): all integers -> integers, all numbers -> numbers, otherwise the texts.
struct KeyValues {
  std::vector<std::string> texts;
  std::vector<double> numbers;
  bool numeric = true, integral = true;

  explicit KeyValues(const std::vector<YAML::Node>& values) {
    for (const auto& v : values) {
      texts.push_back(value_text(v));
      const auto x = numeric_value(texts.back());
      numeric = numeric && x.has_value();
      numbers.push_back(x.value_or(0));
      integral = integral && x && *x == std::floor(*x) && std::abs(*x) < 0x1p53;
    }
  }
  void write(JsonWriter& w, std::size_t i) const {
    if (numeric && integral)
      w.value(static_cast<std::int64_t>(numbers[i]));
    else if (numeric)
      w.value(numbers[i]);
    else
      w.value(texts[i]);
  }
};

void write_described(JsonWriter& w, const char* name, const std::vector<Described>& items,
                     bool units) {
  w.key(name).begin_array();
  for (const auto& d : items) {
    w.begin_object().key("name").value(d.name);
    if (units) w.key("unit").value(d.unit);
    w.key("help").value(d.help).end_object();
  }
  w.end_array();
}

}  // namespace

std::string plan_json(const Experiment& e, const std::vector<Point>& points,
                      const std::vector<PreparedPoint>& prepared) {
  JsonWriter w;
  w.begin_object().key("fairmc_json").value("plan").key("schema_version").value(1);
  w.key("experiment").begin_object();
  w.key("name").value(e.name).key("scenario").value(e.scenario).key("file").value(e.file.string());
  w.key("description").value(e.description).key("claim").value(e.claim);
  w.key("seed").value(e.seed).key("draws").value(e.draws).key("block").value(e.block);
  w.key("blocks").value(e.block_count()).key("keep_draws").value(e.keep_draws);
  w.key("overrides").begin_array();
  for (const auto& o : e.overrides) w.value(o);
  w.end_array();
  w.key("config_hash").value(e.config_hash());
  w.key("resolved").value(e.resolved_text());
  w.end_object();

  std::vector<std::vector<KeyValues>> typed;  // [axis][key]
  w.key("sweep").begin_object().key("axes").begin_array();
  for (const auto& a : e.axes) {
    typed.emplace_back();
    w.begin_object().key("name").value(a.name).key("size").value(a.size());
    w.key("keys").begin_array();
    for (std::size_t k = 0; k < a.keys.size(); ++k) {
      typed.back().emplace_back(a.values[k]);
      w.begin_object().key("key").value(a.keys[k]).key("values").begin_array();
      for (std::size_t i = 0; i < a.size(); ++i) typed.back().back().write(w, i);
      w.end_array().end_object();
    }
    w.end_array().end_object();
  }
  w.end_array().key("shape").begin_array();
  for (const auto n : e.shape()) w.value(n);
  w.end_array().key("points").value(points.size()).end_object();

  w.key("points").begin_array();
  for (std::size_t p = 0; p < points.size(); ++p) {
    const Point& pt = points[p];
    w.begin_object().key("point").value(pt.index).key("stream_key").value(pt.key);
    w.key("keys").begin_object();
    for (std::size_t a = 0; a < e.axes.size() && a < pt.coords.size(); ++a)
      for (std::size_t k = 0; k < e.axes[a].keys.size(); ++k) {
        w.key(e.axes[a].keys[k]);
        typed[a][k].write(w, pt.coords[a]);
      }
    w.end_object();
    w.key("metrics").begin_array();
    for (const auto& m : prepared[p].metrics) w.value(m);
    w.end_array().key("ratios").begin_array();
    for (const auto& r : prepared[p].ratios)
      w.begin_object()
          .key("name")
          .value(r.name)
          .key("num")
          .value(r.num)
          .key("den")
          .value(r.den)
          .end_object();
    w.end_array();
    std::vector<std::string> names;
    std::vector<double> values;
    for (const auto& [c, v] : prepared[p].constants) names.push_back(c), values.push_back(v);
    w.key("constants").begin_object().fields(names, values).end_object();
    w.key("defaults").begin_object();
    for (const auto& [k, v] : prepared[p].defaults) w.key(k).value(v);
    w.end_object().end_object();
  }
  w.end_array();

  w.key("fits").begin_array();
  for (const auto& f : e.fits)
    w.begin_object()
        .key("metric")
        .value(f.metric)
        .key("against")
        .value(f.against)
        .key("log")
        .value(f.log)
        .end_object();
  w.end_array().key("precision").begin_array();
  for (const auto& t : e.precision) {
    w.begin_object().key(t.ratio ? "ratio" : "metric").value(t.name);
    if (t.abs > 0)
      w.key("abs").value(t.abs);
    else
      w.key("rel").value(t.rel);
    w.end_object();
  }
  w.end_array().key("checks").begin_array();
  for (const auto& c : e.checks) {
    w.begin_object().key("name").value(c.name).key("claim").value(c.claim);
    w.key("subject").value(c.subject_text()).key("comparison").value(c.comparison_text());
    w.key("at").begin_object();
    for (const auto& [key, values] : c.at) {
      w.key(key).begin_array();
      for (const auto& v : values) w.value(v);
      w.end_array();
    }
    w.end_object().end_object();
  }
  w.end_array();
  // With precision targets, draws is the cap (max_draws): the total is an upper bound.
  w.key("total_draws").value(static_cast<std::int64_t>(points.size()) * e.draws);
  w.key("total_draws_is_bound").value(!e.precision.empty());
  end_document(w);
  return w.str();
}

std::string catalog_json(const std::vector<ScenarioInfo>& catalog) {
  JsonWriter w;
  w.begin_object().key("fairmc_json").value("list").key("schema_version").value(1);
  w.key("scenarios").begin_array();
  for (const auto& s : catalog) {
    w.begin_object().key("name").value(s.name).key("paper").value(s.paper).key("help").value(
        s.help);
    write_described(w, "samplers", s.samplers, false);
    write_described(w, "mechanisms", s.mechanisms, false);
    write_described(w, "metrics", s.metrics, true);
    write_described(w, "ratios", s.ratios, false);
    w.end_object();
  }
  w.end_array();
  end_document(w);
  return w.str();
}

}  // namespace fairmc
