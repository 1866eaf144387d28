#include <catch2/catch.hpp>

#include "config/int_or_string.hpp"
#include "tests/config/object_factories.hpp"
#include "tests/config/validation_helpers.hpp"

using nlohmann::json;
namespace t = troupe::testing;
namespace apps = troupe::apps::v1;
namespace batch = troupe::batch::v1;
using troupe::config::int_or_string_from_int;
using troupe::config::int_or_string_from_string;

namespace {

template <class T>
T parsed(const char* text) {
  return t::from_json<T>(json::parse(text));
}

template <class Workload>
troupe::core::v1::PodSpec& pod_spec(Workload& w) {
  return *w.mutable_spec()->mutable_template_()->mutable_spec();
}

const char* const percent_message =
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used "
    "for validation is '[0-9]+%')";

} // namespace

TEST_CASE("validation: Deployment", "[unit][validation]") {
  auto rolling = [](apps::Deployment& d) { return d.mutable_spec()->mutable_strategy()->mutable_rollingupdate(); };
  t::run_validation_cases<apps::Deployment>("apps/v1", "Deployment", t::make_deployment, {
      {"valid", [](apps::Deployment&) {}, {}},
      {"maxSurge and maxUnavailable both 0", [&](apps::Deployment& d) {
         *rolling(d)->mutable_maxsurge() = int_or_string_from_int(0);
         *rolling(d)->mutable_maxunavailable() = int_or_string_from_int(0);
       }, {"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"}},
      {"0% and 0", [&](apps::Deployment& d) {
         *rolling(d)->mutable_maxsurge() = int_or_string_from_int(0);
         *rolling(d)->mutable_maxunavailable() = int_or_string_from_string("0%");
       }, {"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"0%\": may not be 0 when `maxSurge` is 0"}},
      {"maxUnavailable above 100%", [&](apps::Deployment& d) {
         *rolling(d)->mutable_maxunavailable() = int_or_string_from_string("150%");
       }, {"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%"}},
      {"maxSurge not a percentage", [&](apps::Deployment& d) {
         *rolling(d)->mutable_maxsurge() = int_or_string_from_string("abc");
       }, {std::string("spec.strategy.rollingUpdate.maxSurge: Invalid value: \"abc\": ") + percent_message}},
      {"negative maxSurge", [&](apps::Deployment& d) { *rolling(d)->mutable_maxsurge() = int_or_string_from_int(-1); },
       {"spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0"}},
      {"Recreate with rollingUpdate", [&](apps::Deployment& d) {
         d.mutable_spec()->mutable_strategy()->set_type("Recreate");
         *rolling(d)->mutable_maxsurge() = int_or_string_from_int(1);
       }, {"spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"}},
      {"negative replicas", [](apps::Deployment& d) { d.mutable_spec()->set_replicas(-1); },
       {"spec.replicas: Invalid value: -1: must be greater than or equal to 0"}},
      {"negative revisionHistoryLimit", [](apps::Deployment& d) { d.mutable_spec()->set_revisionhistorylimit(-1); },
       {"spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"}},
      {"progress deadline not above minReadySeconds", [](apps::Deployment& d) { d.mutable_spec()->set_minreadyseconds(600); },
       {"spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"}},
      {"selector does not match the template", [](apps::Deployment& d) {
         (*d.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_labels())["app"] = "x";
       }, {"spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`"}},
      {"no selector", [](apps::Deployment& d) { d.mutable_spec()->clear_selector(); },
       {"spec.selector: Required value",
        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"}},
      {"empty selector", [](apps::Deployment& d) { d.mutable_spec()->mutable_selector()->clear_matchlabels(); },
       {"spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"}},
      {"template restartPolicy Never", [](apps::Deployment& d) { pod_spec(d).set_restartpolicy("Never"); },
       {"spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""}},
      {"template errors carry the full path", [](apps::Deployment& d) { pod_spec(d).mutable_containers(0)->clear_image(); },
       {"spec.template.spec.containers[0].image: Required value"}},
  });
}

TEST_CASE("validation: ReplicaSet, DaemonSet, StatefulSet", "[unit][validation]") {
  t::run_validation_cases<apps::ReplicaSet>("apps/v1", "ReplicaSet", t::make_replica_set, {
      {"valid", [](apps::ReplicaSet&) {}, {}},
      {"template restartPolicy OnFailure", [](apps::ReplicaSet& rs) { pod_spec(rs).set_restartpolicy("OnFailure"); },
       {"spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""}},
      {"activeDeadlineSeconds", [](apps::ReplicaSet& rs) { pod_spec(rs).set_activedeadlineseconds(60); },
       {"spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"}},
  });
  auto ds_rolling = [](apps::DaemonSet& ds) { return ds.mutable_spec()->mutable_updatestrategy()->mutable_rollingupdate(); };
  t::run_validation_cases<apps::DaemonSet>("apps/v1", "DaemonSet", t::make_daemon_set, {
      {"valid", [](apps::DaemonSet&) {}, {}},
      {"surge and unavailable both set", [&](apps::DaemonSet& ds) { *ds_rolling(ds)->mutable_maxsurge() = int_or_string_from_int(1); },
       {"spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero"}},
      {"both 0", [&](apps::DaemonSet& ds) { *ds_rolling(ds)->mutable_maxunavailable() = int_or_string_from_int(0); },
       {"spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"}},
      {"empty selector", [](apps::DaemonSet& ds) { ds.mutable_spec()->mutable_selector()->clear_matchlabels(); },
       {"spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset"}},
  });
  t::run_validation_cases<apps::StatefulSet>("apps/v1", "StatefulSet", t::make_stateful_set, {
      {"valid", [](apps::StatefulSet&) {}, {}},
      {"negative partition", [](apps::StatefulSet& s) {
         s.mutable_spec()->mutable_updatestrategy()->mutable_rollingupdate()->set_partition(-1);
       }, {"spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0"}},
      {"claim template without access modes", [](apps::StatefulSet& s) {
         *s.mutable_spec()->add_volumeclaimtemplates() = parsed<troupe::core::v1::PersistentVolumeClaim>(
             R"({"metadata": {"name": "data"}, "spec": {"resources": {"requests": {"storage": "1Gi"}}}})");
       }, {"spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required"}},
      {"claim template without storage", [](apps::StatefulSet& s) {
         *s.mutable_spec()->add_volumeclaimtemplates() = parsed<troupe::core::v1::PersistentVolumeClaim>(
             R"({"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"]}})");
       }, {"spec.volumeClaimTemplates[0].spec.resources[storage]: Required value"}},
  });
}

TEST_CASE("validation: Job", "[unit][validation]") {
  t::run_validation_cases<batch::Job>("batch/v1", "Job", t::make_job, {
      {"valid", [](batch::Job&) {}, {}},
      {"restartPolicy Always", [](batch::Job& j) { pod_spec(j).set_restartpolicy("Always"); },
       {"spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""}},
      {"restartPolicy left to its pod default", [](batch::Job& j) { pod_spec(j).clear_restartpolicy(); },
       {"spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""}},
      {"negative backoffLimit", [](batch::Job& j) { j.mutable_spec()->set_backofflimit(-1); },
       {"spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"}},
      {"negative parallelism", [](batch::Job& j) { j.mutable_spec()->set_parallelism(-2); },
       {"spec.parallelism: Invalid value: -2: must be greater than or equal to 0"}},
      {"Indexed without completions", [](batch::Job& j) {
         j.mutable_spec()->set_completionmode("Indexed");
         j.mutable_spec()->set_parallelism(2);
       }, {"spec.completions: Required value: when completion mode is Indexed"}},
      {"selector that misses the template", [](batch::Job& j) {
         (*j.mutable_spec()->mutable_selector()->mutable_matchlabels())["app"] = "other";
       }, {"spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"}},
      {"manualSelector without a selector", [](batch::Job& j) { j.mutable_spec()->set_manualselector(true); },
       {"spec.selector: Required value"}},
  });
}

TEST_CASE("validation: CronJob", "[unit][validation]") {
  auto schedule = [](const char* s) { return [s](batch::CronJob& c) { c.mutable_spec()->set_schedule(s); }; };
  t::run_validation_cases<batch::CronJob>("batch/v1", "CronJob", t::make_cron_job, {
      {"valid", [](batch::CronJob&) {}, {}},
      {"descriptor", schedule("@hourly"), {}},
      {"names and steps", schedule("0 9-17/2 * JAN-JUN mon-fri"), {}},
      {"one field", schedule("x"), {"spec.schedule: Invalid value: \"x\": expected exactly 5 fields, found 1: [x]"}},
      {"minute out of range", schedule("61 * * * *"),
       {"spec.schedule: Invalid value: \"61 * * * *\": end of range (61) above maximum (59): 61"}},
      {"not a number", schedule("a * * * *"),
       {"spec.schedule: Invalid value: \"a * * * *\": failed to parse int from a: strconv.Atoi: parsing \"a\": invalid syntax"}},
      {"unknown descriptor", schedule("@often"), {"spec.schedule: Invalid value: \"@often\": unrecognized descriptor: @often"}},
      {"time zone in the schedule", schedule("TZ=UTC 0 * * * *"),
       {"spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"}},
      {"empty schedule", schedule(""), {"spec.schedule: Required value"}},
      {"known time zone", [](batch::CronJob& c) { c.mutable_spec()->set_timezone("Europe/Berlin"); }, {}},
      {"unknown time zone", [](batch::CronJob& c) { c.mutable_spec()->set_timezone("Mars/Olympus_Mons"); },
       {"spec.timeZone: Invalid value: \"Mars/Olympus_Mons\": unknown time zone Mars/Olympus_Mons"}},
      {"Local time zone", [](batch::CronJob& c) { c.mutable_spec()->set_timezone("Local"); },
       {"spec.timeZone: Invalid value: \"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"}},
      {"name longer than 52", [](batch::CronJob& c) { c.mutable_metadata()->set_name(std::string(53, 'a')); },
       {"metadata.name: Invalid value: \"" + std::string(53, 'a') + "\": must be no more than 52 characters"}},
      {"negative history limit", [](batch::CronJob& c) { c.mutable_spec()->set_successfuljobshistorylimit(-1); },
       {"spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0"}},
      {"job template restartPolicy Always", [](batch::CronJob& c) {
         c.mutable_spec()->mutable_jobtemplate()->mutable_spec()->mutable_template_()->mutable_spec()->set_restartpolicy("Always");
       }, {"spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""}},
  });
}
