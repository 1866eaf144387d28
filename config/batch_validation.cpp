// Job and CronJob validation (declared in workload_validation.hpp).
#include <sys/stat.h>

#include <algorithm>

#include "config/container_validation.hpp"
#include "config/cron_schedule.hpp"
#include "config/label_selector.hpp"
#include "config/name_validation.hpp"
#include "config/pod_validation.hpp"
#include "config/validation_values.hpp"
#include "config/workload_validation.hpp"

namespace troupe::config {

namespace batch = troupe::batch::v1;

namespace {

void append(field_errors& out, field_errors more) { out.insert(out.end(), more.begin(), more.end()); }

constexpr int32_t max_indexed_completions = 100000;

// What every JobSpec must satisfy, in a Job or in a CronJob's jobTemplate.
field_errors validate_job_spec(const batch::JobSpec& spec, const field_path& path) {
  field_errors out;
  auto nonneg = [&](bool has, int64_t v, const char* field) {
    if (has) append(out, validate_nonnegative(v, path.child(field)));
  };
  nonneg(spec.has_parallelism(), spec.parallelism(), "parallelism");
  nonneg(spec.has_completions(), spec.completions(), "completions");
  nonneg(spec.has_activedeadlineseconds(), spec.activedeadlineseconds(), "activeDeadlineSeconds");
  nonneg(spec.has_backofflimit(), spec.backofflimit(), "backoffLimit");
  nonneg(spec.has_ttlsecondsafterfinished(), spec.ttlsecondsafterfinished(), "ttlSecondsAfterFinished");
  nonneg(spec.has_backofflimitperindex(), spec.backofflimitperindex(), "backoffLimitPerIndex");
  nonneg(spec.has_maxfailedindexes(), spec.maxfailedindexes(), "maxFailedIndexes");
  const bool indexed = spec.completionmode() == "Indexed";
  if (indexed) {
    if (!spec.has_completions())
      out.push_back(field_error::required(path.child("completions"), "when completion mode is Indexed"));
    else if (spec.completions() > max_indexed_completions)
      out.push_back(field_error::invalid(path.child("completions"), std::to_string(spec.completions()),
                                         "must be less than or equal to 100000 when completion mode is Indexed"));
    if (spec.parallelism() > max_indexed_completions)
      out.push_back(field_error::invalid(path.child("parallelism"), std::to_string(spec.parallelism()),
                                         "must be less than or equal to 100000 when completion mode is Indexed"));
  }
  if (spec.has_backofflimitperindex() && !indexed)
    out.push_back(field_error::invalid(path.child("backoffLimitPerIndex"), std::to_string(spec.backofflimitperindex()),
                                       "requires indexed completion mode"));
  if (spec.has_maxfailedindexes() && !spec.has_backofflimitperindex())
    out.push_back(field_error::required(path.child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"));

  const auto& tpl = spec.template_();
  auto template_path = path.child("template");
  append(out, validate_pod_template_spec(tpl, template_path));
  const auto& policy = tpl.spec().restartpolicy();
  auto policy_path = template_path.child("spec").child("restartPolicy");
  if (policy != "OnFailure" && policy != "Never")
    out.push_back(field_error::not_supported(policy_path, quote(policy), {"OnFailure", "Never"}));
  else if (policy == "OnFailure" && spec.has_podfailurepolicy())
    out.push_back(field_error::invalid(policy_path, quote(policy), "only \"Never\" is supported when podFailurePolicy is specified"));
  if (spec.has_podfailurepolicy() && spec.has_podreplacementpolicy() && spec.podreplacementpolicy() != "Failed")
    out.push_back(field_error::not_supported(path.child("podReplacementPolicy"), quote(spec.podreplacementpolicy()), {"Failed"}));
  return out;
}

bool time_zone_part_ok(const std::string& part) {
  if (part.empty() || part.size() > 14 || part == "." || part == ".." || part[0] == '-') return false;
  return std::all_of(part.begin(), part.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '+';
  });
}

field_errors validate_time_zone(const std::string& tz, const field_path& path) {
  if (tz.empty()) return {field_error::invalid(path, "\"\"", "timeZone must be nil or non-empty string")};
  const std::string unknown = "unknown time zone " + tz;
  size_t start = 0;
  while (true) {
    size_t slash = tz.find('/', start);
    if (!time_zone_part_ok(tz.substr(start, slash == std::string::npos ? std::string::npos : slash - start)))
      return {field_error::invalid(path, quote(tz), unknown)};
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  std::string lower = tz;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "local")
    return {field_error::invalid(path, quote(tz), "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")};
  // The host's IANA database, as Go's time.LoadLocation reads it.
  struct stat st {};
  if (tz != "UTC" && (stat(("/usr/share/zoneinfo/" + tz).c_str(), &st) != 0 || !S_ISREG(st.st_mode)))
    return {field_error::invalid(path, quote(tz), unknown)};
  return {};
}

} // namespace

field_errors validate_job(const batch::Job& job) {
  const auto& spec = job.spec();
  const field_path spec_path("spec");
  field_errors out = validate_object_meta(job.metadata(), name_rule::dns1123_subdomain, field_path("metadata"));
  if (spec.has_selector()) {
    append(out, validate_label_selector(spec.selector(), spec_path.child("selector")));
    append(out, validate_template_matches_selector(&spec.selector(), spec.template_(), spec_path.child("template")));
  } else if (spec.manualselector()) {
    out.push_back(field_error::required(spec_path.child("selector")));
  }
  append(out, validate_job_spec(spec, spec_path));
  return out;
}

field_errors validate_cron_job(const batch::CronJob& cj) {
  const auto& spec = cj.spec();
  const field_path spec_path("spec");
  field_errors out = validate_object_meta(cj.metadata(), name_rule::dns1123_subdomain, field_path("metadata"));
  // Job names are "<cronjob>-<minutes since epoch>" and must stay DNS-1035 labels (63 - 11 = 52).
  if (cj.metadata().name().size() > 52)
    out.push_back(field_error::invalid(field_path("metadata").child("name"), quote(cj.metadata().name()), "must be no more than 52 characters"));
  auto schedule_path = spec_path.child("schedule");
  if (spec.schedule().empty()) {
    out.push_back(field_error::required(schedule_path));
  } else if (spec.schedule().find("TZ") != std::string::npos) {
    out.push_back(field_error::invalid(schedule_path, quote(spec.schedule()), "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
  } else if (auto parsed = parse_cron_schedule(spec.schedule()); !parsed) {
    out.push_back(field_error::invalid(schedule_path, quote(spec.schedule()), parsed.error));
  }
  if (spec.has_timezone()) append(out, validate_time_zone(spec.timezone(), spec_path.child("timeZone")));
  if (spec.has_startingdeadlineseconds())
    append(out, validate_nonnegative(spec.startingdeadlineseconds(), spec_path.child("startingDeadlineSeconds")));
  if (spec.has_successfuljobshistorylimit())
    append(out, validate_nonnegative(spec.successfuljobshistorylimit(), spec_path.child("successfulJobsHistoryLimit")));
  if (spec.has_failedjobshistorylimit())
    append(out, validate_nonnegative(spec.failedjobshistorylimit(), spec_path.child("failedJobsHistoryLimit")));
  auto job_spec_path = spec_path.child("jobTemplate").child("spec");
  const auto& job_spec = spec.jobtemplate().spec();
  append(out, validate_job_spec(job_spec, job_spec_path));
  // The controller generates each Job's selector.
  if (job_spec.has_selector())
    out.push_back(field_error::invalid(job_spec_path.child("selector"), go_label_selector(job_spec.selector()), "`selector` will be auto-generated"));
  if (job_spec.manualselector())
    out.push_back(field_error::not_supported(job_spec_path.child("manualSelector"), "true", {"nil", "false"}));
  return out;
}

} // namespace troupe::config
