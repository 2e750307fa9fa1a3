// scenarios/scenario.schema.json and the parser agree. The parser shows every list of names
// it checks (Reader's name-list observer) while it reads the lessons and
// tests/tools/data/all-keys.yaml; each list must be the matching schema mapping's properties
// or enum, and each mapping in the schema must be one the parser checks. A key added to
// one side only fails here, naming the key and the place.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
// GCC 12 warns falsely inside libstdc++'s std::regex compiler when it is built with the
// sanitizers (maybe-uninitialized in std::function's move); the code is the library's.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>
#include <set>

#include "devices/device.hpp"
#include "kernel/drivers/base/base.hpp"
#include "kernel/panic.hpp"
#include "tools/scenario/scenario.hpp"

using namespace irqlab;
using namespace irqlab::scenario;
using nlohmann::json;
using Names = std::set<std::string>;

namespace {

const std::string kSource = IRQLAB_SOURCE_DIR;

// The parser's contexts (the `what` of Reader::keys) and the schema mappings they are.
// Device types and their Events parameters are added from the device registry.
const std::map<std::string, std::vector<std::string>> kMappings = {
    {"the scenario", {""}},
    {"machine", {"/definitions/machine"}},
    {"machine.costs", {"/definitions/costs"}},
    {"a sync object", {"/definitions/sync_object"}},
    {"run", {"/definitions/run"}},
    {"a driver", {"/definitions/driver"}},
    {"a kthread", {"/definitions/kthread"}},
    {"a process", {"/definitions/process"}},
    {"repeat", {"/definitions/kthread_repeat", "/definitions/process_repeat"}},
    {"write", {"/definitions/write"}},
    {"open", {"/definitions/open"}},
    {"read", {"/definitions/read"}},
    {"close", {"/definitions/close"}},
    {"ioctl", {"/definitions/ioctl"}},
    {"poll", {"/definitions/poll"}},
    {"copy", {"/definitions/copy"}},
    {"expect", {"/definitions/expect"}},
    {"an IRQ's expected counts", {"/definitions/irq_counts"}},
    {"a latency's bounds", {"/definitions/latency_bounds"}},
    {"an ordering", {"/definitions/ordering"}},
    {"a CPU's time by context", {"/definitions/cpu_time_bounds"}},
    {"a line fault", {"/definitions/line_fault"}},
    {"stuck", {"/definitions/stuck_period"}},
    {"storm", {"/definitions/storm"}},
    {"outputs", {"/definitions/outputs"}},
};

// The parser's choices (the `what` of Reader::choice) and the schemas holding their enums;
// device parameters' choices ("TYPE.PARAM") are checked from the registry.
const std::map<std::string, std::vector<std::string>> kChoices = {
    {"machine.hz", {"/definitions/machine/properties/hz"}},
    {"machine.preemption", {"/definitions/machine/properties/preemption"}},
    {"type", {"/definitions/sync_object/properties/type"}},
    {"policy",
     {"/definitions/kthread/properties/policy", "/definitions/process/properties/policy"}},
    {"open.flags", {"/definitions/open/properties/flags"}},
    {"poll.events", {"/definitions/poll/properties/events"}},
};

// Both kinds of program step: together they are the parser's operations.
const std::vector<std::string> kSteps = {"/definitions/kthread_step", "/definitions/process_step"};
// The devices' dispatcher: only `type`, the rest is each type's own mapping.
const std::string kDeviceDispatch = "/definitions/device";

// Parameters whose type's check() refuses more than the ParamSpec says, which the schema
// spells out (their kind and range are not compared).
const Names kNarrowedByCheck = {
    "mydev.line",        // only the PCI lines 16-23
    "disk.bad_sectors",  // a list of sectors and ranges
};

const json& schema() {
    static const json s = json::parse(std::ifstream(kSource + "/scenarios/scenario.schema.json"));
    return s;
}

const json& at(const std::string& pointer) {
    return schema().at(json::json_pointer(pointer));
}

// Follows local $refs ("#/definitions/x").
const json& resolve(const json& s) {
    const json* p = &s;
    while (p->is_object() && p->contains("$ref"))
        p = &at(p->at("$ref").get<std::string>().substr(1));
    return *p;
}

Names properties(const json& s) {
    Names out;
    if (resolve(s).contains("properties"))
        for (const auto& [k, v] : resolve(s).at("properties").items()) out.insert(k);
    return out;
}

std::string as_text(const json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
}

// Every value an enum or const under `s` allows, as the parser reads its text ("1000" for 1000).
Names enum_values(const json& s) {
    Names out;
    const json& r = resolve(s);
    if (!r.is_object()) return out;
    if (r.contains("enum"))
        for (const json& v : r.at("enum")) out.insert(as_text(v));
    if (r.contains("const")) out.insert(as_text(r.at("const")));
    for (const char* k : {"anyOf", "oneOf", "allOf"})
        if (r.contains(k))
            for (const json& sub : r.at(k)) out.merge(enum_values(sub));
    if (r.contains("items")) out.merge(enum_values(r.at("items")));
    return out;
}

std::string show(const Names& names) {
    std::string out;
    for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
    return "{" + out + "}";
}

Names minus(const Names& a, const Names& b) {
    Names out;
    for (const std::string& n : a)
        if (!b.count(n)) out.insert(n);
    return out;
}

// What the parser showed while reading files.
struct Seen {
    std::map<std::string, std::set<Names>> keys, choices;
    std::vector<std::pair<std::string, Names>> candidates;
};
Seen seen;

void record(NameList list, std::string_view what, const std::vector<std::string>& names) {
    Names n(names.begin(), names.end());
    if (list == NameList::Keys) seen.keys[std::string(what)].insert(n);
    if (list == NameList::Choices) seen.choices[std::string(what)].insert(n);
    if (list == NameList::Candidates) seen.candidates.emplace_back(what, n);
}

struct Observing {
    NameListObserver previous = observe_name_lists(record);
    ~Observing() { observe_name_lists(previous); }
};

std::vector<std::string> lessons() {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(kSource + "/scenarios"))
        if (e.path().extension() == ".yaml") files.push_back(e.path().string());
    files.push_back(kSource + "/tests/tools/data/all-keys.yaml");
    return files;
}

// Parses every lesson and all-keys.yaml, recording what the parser checks.
const Seen& parse_all() {
    Observing observing;
    for (const std::string& f : lessons()) {
        try {
            load_file(f);
        } catch (const std::exception& e) {
            FAIL_CHECK("it must parse: " << e.what());
        }
    }
    return seen;
}

// The schema mappings the parser's key lists are, device types included.
std::map<std::string, std::vector<std::string>> mapping_table() {
    auto table = kMappings;
    for (const dev::DeviceType& t : dev::types()) {
        table["a device of type " + t.name] = {"/definitions/device_" + t.name};
        // Its stimulus and fault keys, in workload: and faults: items that name it.
        if (!t.workload.empty()) table["workload of a device of type " + t.name] = {"/definitions/workload_" + t.name};
        if (!t.faults.empty()) table["faults of a device of type " + t.name] = {"/definitions/faults_" + t.name};
        for (const dev::ParamSpec& p : t.params)
            if (p.kind == dev::ParamSpec::Kind::Events)
                table[t.name + "." + p.name] = {"/definitions/device_" + t.name + "/properties/" +
                                                p.name + "/items"};
    }
    return table;
}

// Every mapping (an object schema with properties) in the schema, by JSON pointer; the
// conditions of if/then are tests on a mapping, not mappings.
void find_mappings(const json& s, const std::string& pointer, std::vector<std::string>& out) {
    if (!s.is_object()) return;
    if (s.value("type", json()) == "object" && s.contains("properties")) out.push_back(pointer);
    for (const auto& [k, v] : s.items()) {
        if (k == "if" || k == "enum" || k == "const" || k == "default" || k == "required") continue;
        std::string key = "/" + k;  // the schema's keys have no ~ or / to escape
        if (v.is_array())
            for (std::size_t i = 0; i < v.size(); ++i)
                find_mappings(v[i], pointer + key + "/" + std::to_string(i), out);
        else
            find_mappings(v, pointer + key, out);
    }
}

}  // namespace

TEST_CASE("schema: each mapping the parser checks has the same keys in the schema") {
    const Seen& s = parse_all();
    auto table = mapping_table();
    for (const auto& [what, lists] : s.keys) {
        INFO("the parser's keys of '" << what << "'");
        auto it = table.find(what);
        if (it == table.end()) {
            FAIL_CHECK(
                "no schema mapping for it: add one to scenarios/scenario.schema.json and to "
                "kMappings in "
                "this test (keys "
                << show(*lists.begin()) << ")");
            continue;
        }
        for (const Names& known : lists)
            for (const std::string& pointer : it->second) {
                INFO("the schema's " << (pointer.empty() ? "top level" : pointer));
                REQUIRE(schema().contains(json::json_pointer(pointer)));
                Names props = properties(at(pointer));
                CHECK(show(minus(known, props)) == "{}");  // keys the schema lacks
                CHECK(show(minus(props, known)) == "{}");  // keys the parser does not know
            }
    }
}

TEST_CASE("schema: each mapping in the schema is one the parser checks and the test files reach") {
    const Seen& s = parse_all();
    std::set<std::string> claimed(kSteps.begin(), kSteps.end());
    claimed.insert(kDeviceDispatch);
    for (const auto& [what, pointers] : mapping_table())
        claimed.insert(pointers.begin(), pointers.end());
    for (const auto& [what, pointers] : kMappings) {
        INFO("the parser's '" << what << "' (" << pointers.front() << ")");
        CHECK(s.keys.count(what));  // else neither the lessons nor all-keys.yaml use it
    }
    std::vector<std::string> mappings;
    find_mappings(schema(), "", mappings);
    CHECK(mappings.size() > 20);
    for (const std::string& m : mappings) {
        INFO("the schema's mapping " << m);
        CHECK(claimed.count(m));  // else the parser checks no such list of keys
        if (m != kDeviceDispatch) CHECK(at(m).value("additionalProperties", true) == false);
    }
}

TEST_CASE("schema: the program steps are the parser's operations") {
    Names ops;
    {
        Observing observing;
        seen.candidates.clear();
        CHECK_THROWS(parse(
            YAML::Load(
                "{irqlab: 1, processes: [{name: p, program: [no_such_step]}], run: {until: 1ms}}"),
            "f.yaml"));
        for (const auto& [word, names] : seen.candidates)
            if (word == "no_such_step") ops = names;
    }
    REQUIRE(!ops.empty());
    Names steps;
    for (const std::string& p : kSteps) steps.merge(properties(at(p)));
    CHECK(show(minus(ops, steps)) == "{}");  // operations no step schema has
    CHECK(show(minus(steps, ops)) == "{}");  // steps the parser does not know
    CHECK(show(minus(enum_values(at("/definitions/bare_step")), ops)) == "{}");
}

TEST_CASE("schema: each choice the parser offers is the schema's enum") {
    const Seen& s = parse_all();
    Names device_params;
    for (const dev::DeviceType& t : dev::types())
        for (const dev::ParamSpec& p : t.params) device_params.insert(t.name + "." + p.name);
    for (const auto& [what, lists] : s.choices) {
        if (device_params.count(what)) continue;  // the device test's
        INFO("the parser's choices for '" << what << "'");
        auto it = kChoices.find(what);
        if (it == kChoices.end()) {
            FAIL_CHECK(
                "no schema enum for it: add one to scenarios/scenario.schema.json and to kChoices "
                "in this test");
            continue;
        }
        for (const Names& choices : lists)
            for (const std::string& pointer : it->second) {
                INFO("the schema's " << pointer);
                CHECK(show(enum_values(at(pointer))) == show(choices));
            }
    }
    for (const auto& [what, pointers] : kChoices) {
        INFO("the parser's choices for '" << what << "'");
        CHECK(s.choices.count(what));  // else neither the lessons nor all-keys.yaml use it
    }
}

TEST_CASE("schema: each device type's parameters are its schema's properties with their kinds") {
    using K = dev::ParamSpec::Kind;
    Names types;
    for (const dev::DeviceType& t : dev::types()) types.insert(t.name);
    CHECK(show(enum_values(at(kDeviceDispatch + "/properties/type"))) == show(types));
    for (const dev::DeviceType& t : dev::types()) {
        std::string def = "/definitions/device_" + t.name;
        INFO("device type " << t.name << ", the schema's " << def);
        REQUIRE(schema().contains(json::json_pointer(def)));
        Names params = {"type"};
        for (const dev::ParamSpec& p : t.params) params.insert(p.name);
        CHECK(show(minus(params, properties(at(def)))) == "{}");
        CHECK(show(minus(properties(at(def)), params)) == "{}");
        for (const dev::ParamSpec& p : t.params) {
            std::string pointer = def + "/properties/" + p.name;
            if (!schema().contains(json::json_pointer(pointer))) continue;
            INFO("parameter " << p.name);
            const json& ps = at(pointer);
            std::string ref = ps.value("$ref", "");
            // A driver's property says so, as scenarios/README.md marks it *driver*.
            CHECK((ps.value("description", "").find("device property") != std::string::npos) ==
                  p.property);
            if (kNarrowedByCheck.count(t.name + "." + p.name)) continue;
            if (p.kind == K::Integer) {
                CHECK(ps.value("type", "") == "integer");
                CHECK(ps.value("minimum", json()) == p.min);
                CHECK(ps.value("maximum", json()) == p.max);
            } else if (p.kind == K::Time) {
                CHECK((ref == "#/definitions/time" || ref == "#/definitions/positive_time"));
            } else if (p.kind == K::Times) {
                CHECK(ref == "#/definitions/times");
            } else if (p.kind == K::Bool) {
                CHECK(ref == "#/definitions/bool");
            } else if (p.kind == K::Text) {
                CHECK(ref == "#/definitions/text");
            } else if (p.kind == K::Choice) {
                CHECK(show(enum_values(ps)) == show(Names(p.choices.begin(), p.choices.end())));
            } else if (p.kind == K::Rate) {
                CHECK(ref == "#/definitions/rate");
            } else if (p.kind == K::Events) {
                REQUIRE(ps.value("type", "") == "array");
                const json& item = resolve(ps.at("items"));
                Names fields, required;
                for (const auto& f : p.fields) {
                    fields.insert(f.name);
                    if (f.required) required.insert(f.name);
                    if (f.time && item.at("properties").contains(f.name))
                        CHECK(item.at("properties").at(f.name).value("$ref", "") ==
                              "#/definitions/time");
                }
                CHECK(show(properties(item)) ==
                      show(fields));  // the keys test checks this too, when reached
                CHECK(show(item.value("required", Names{})) == show(required));
            } else {
                FAIL_CHECK("parameter kind " << static_cast<int>(p.kind)
                                             << " has no rule here: give it one");
            }
        }
    }
}

TEST_CASE("schema: module names and bug kinds are the schema's enums") {
    auto modules = kernel::DriverCore::builtin_modules();
    CHECK(show(enum_values(at("/definitions/module"))) ==
          show(Names(modules.begin(), modules.end())));
    Names bugs;
    for (std::string_view k : kernel::bug::kinds()) bugs.emplace(k);
    CHECK(show(enum_values(at("/definitions/bug_kind"))) == show(bugs));
}

// Each bad file says in its comments what ajv (tests/tools/scenario_schema_check.sh) and
// the parser answer: the parser refuses it too, so the schema is not stricter there.
TEST_CASE(
    "schema: the parser refuses each file the schema refuses in tests/tools/data/schema-bad") {
    int files = 0;
    for (const auto& e :
         std::filesystem::directory_iterator(kSource + "/tests/tools/data/schema-bad")) {
        if (e.path().extension() != ".yaml") continue;
        ++files;
        INFO(e.path().filename().string());
        std::ifstream in(e.path());
        std::string line, expected;
        bool ajv = false;
        while (std::getline(in, line) && line.rfind('#', 0) == 0) {
            if (line.rfind("# irqlab: ", 0) == 0) expected = line.substr(10);
            ajv |= line.rfind("# ajv: ", 0) == 0;
        }
        CHECK(ajv);
        REQUIRE(!expected.empty());
        std::string error;
        try {
            load_file(e.path().string());
        } catch (const ScenarioError& err) {
            error = err.what();
        }
        CHECK_THAT(error, Catch::Contains(expected));
    }
    CHECK(files >= 10);
}

TEST_CASE("schema: the time pattern accepts what parse_time accepts") {
    std::string pattern = at("/definitions/time").at("pattern");
    // std::regex matches bytes: the micro sign is two of them.
    pattern.replace(pattern.find("[uµ]"), std::string("[uµ]").size(), "(?:u|µ)");
    std::regex time(pattern);
    for (const char* t : {"250ns",
                          "1.5us",
                          "1.5µs",
                          "2ms",
                          "1s",
                          "0ns",
                          " 5 ms ",
                          ".5us",
                          "5.us",
                          "1.000us",
                          "0.000000001s",
                          "1.0000000000s",
                          "3.5ns",
                          "1.0005us",
                          "5",
                          "ms",
                          "",
                          "1..2ms",
                          "1.2.3s",
                          "5 sec",
                          "-1ms",
                          "1e3ns",
                          "5 m s",
                          ".ms",
                          "1.5µ s",
                          "10kHz",
                          "2min",
                          "1us "}) {
        INFO("'" << t << "'");
        CHECK(std::regex_match(t, time) == sim::parse_time(t).has_value());
    }
}
