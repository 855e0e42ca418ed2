namespace Placement.Api.Auth;

/// <summary>oslo.policy's settings: <c>[oslo_policy] policy_file</c>, <c>enforce_scope</c>, <c>enforce_new_defaults</c>.</summary>
/// <param name="PolicyFile">Rule overrides (YAML or JSON); null or a file that does not exist means none.</param>
/// <param name="EnforceScope">Refuse tokens whose scope (project, system, domain) an action does not accept.</param>
/// <param name="EnforceNewDefaults">Ignore the deprecated (pre-Wallaby) defaults instead of accepting them too.</param>
public sealed record PolicyOptions(string? PolicyFile, bool EnforceScope, bool EnforceNewDefaults);
