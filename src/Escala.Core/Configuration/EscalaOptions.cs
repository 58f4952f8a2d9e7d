namespace Escala.Configuration;

/// <summary>
/// Everything a node is configured with: <c>escala.json</c> (or <c>--config FILE</c>), then <c>ESCALA_</c>
/// environment variables (<c>ESCALA_Queues__llm__Concurrency=4</c>), then flags (<c>--store</c>, <c>--data</c>, …).
/// </summary>
/// <remarks>
/// <para>
/// This class tree is the one definition of every configuration key; nothing else lists them. A key is a
/// public property with a public setter: its camelCase name is the key (<c>queues:llm:timeout</c>), its
/// type says how the text is read (<see cref="int"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see cref="string"/>, an enum, <see cref="TimeSpan"/> written <c>500ms</c>/<c>10s</c>/<c>2m</c>,
/// <see cref="Governance.RateLimit"/> written <c>60/min</c>, <c>string[]</c>, or a nested options class for a
/// section), its default is its initializer, taken from the area's <c>XDefaults</c> class and repeated in its
/// doc comment, and its bounds are attributes (<see cref="System.ComponentModel.DataAnnotations.RangeAttribute"/>,
/// <see cref="PositiveAttribute"/>, <see cref="System.ComponentModel.DataAnnotations.AllowedValuesAttribute"/>)
/// plus, for rules across keys, <see cref="IValidatableOptions"/>.
/// </para>
/// <para>
/// A <c>Dictionary&lt;string, T&gt;</c> property (<c>queues</c>, <c>resources</c>) accepts any entry name and
/// checks each entry against <c>T</c>. Any other key that is not in this tree stops start-up with exit code 2,
/// naming the key, where it came from and the nearest valid key. So adding a configuration section is
/// adding one property here (an <c>XOptions</c> class with its <c>XDefaults</c>): binding, unknown-key
/// detection and validation follow from it (<see cref="EscalaConfiguration"/>).
/// </para>
/// </remarks>
public sealed class EscalaOptions : IValidatableOptions
{
    private string? _nodeId;

    /// <summary>This node's id in the cluster.</summary>
    /// <value>Defaults to the host name and a random suffix (<c>web-1-3f9a2c</c>).</value>
    public string NodeId
    {
        get => _nodeId ??= $"{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}";
        set => _nodeId = string.IsNullOrWhiteSpace(value) ? null : value;
    }

    /// <summary><c>all</c> (API and workers), <c>api</c> (no workers) or <c>worker</c> (no public API).</summary>
    /// <value>Defaults to <see cref="NodeDefaults.Role"/> (<c>all</c>); the <c>--role</c> flag sets it too.</value>
    [System.ComponentModel.DataAnnotations.AllowedValues(NodeRoles.All, NodeRoles.Api, NodeRoles.Worker)]
    public string Role { get; set; } = NodeDefaults.Role;

    /// <summary>Where the HTTP API listens (<c>--urls</c>).</summary>
    /// <value>Defaults to <see cref="NodeDefaults.Urls"/> (<c>http://127.0.0.1:8080</c>).</value>
    public string Urls { get; set; } = NodeDefaults.Urls;

    /// <summary>A PostgreSQL connection string (<c>Host=…;Database=…</c>) or a SQLite data directory (<c>--store</c>); wins over <see cref="Data"/>.</summary>
    /// <value>Unset by default: SQLite in <see cref="Data"/>.</value>
    public string? Store { get; set; }

    /// <summary>The SQLite data directory (<c>--data</c>); a relative path is relative to the working directory.</summary>
    /// <value>Defaults to <see cref="NodeDefaults.Data"/> (<c>./escala-data</c>).</value>
    public string Data { get; set; } = NodeDefaults.Data;

    /// <summary>On PostgreSQL, the schema holding Escala's tables: lower-case letters, digits and underscores.</summary>
    /// <value>Unset by default: the driver's own (<c>escala</c>).</value>
    public string? Schema { get; set; }

    /// <summary>Queues by name. A job naming a queue that is not here is refused, except the <c>default</c> queue, which always exists.</summary>
    public Dictionary<string, QueueOptions> Queues { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Governed resources by name (e.g. <c>llm</c>).</summary>
    public Dictionary<string, ResourceOptions> Resources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Default resources per job kind: a job of that kind needs them in addition to its own.</summary>
    public Dictionary<string, string[]> KindResources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How this node runs jobs.</summary>
    public ExecutionOptions Execution { get; set; } = new();

    /// <summary>The leader's housekeeping.</summary>
    public MaintenanceOptions Maintenance { get; set; } = new();

    /// <summary>Input limits.</summary>
    public LimitOptions Limits { get; set; } = new();

    /// <summary>Log levels.</summary>
    public LoggingOptions Logging { get; set; } = new();

    /// <summary>API keys, JWT, request and rate limits, egress of the <c>http</c> kind.</summary>
    public SecurityOptions Security { get; set; } = new();

    /// <summary>Metrics and traces: the service name, and where to send traces (OTLP).</summary>
    public TelemetryOptions Telemetry { get; set; } = new();

    /// <summary>LLMs by name, called by <c>llm.chat</c> jobs (<see cref="ModelOptions"/>).</summary>
    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The result cache: jobs whose kind and arguments match a recent result complete at once.</summary>
    public CacheOptions Cache { get; set; } = new();

    /// <summary>Recurring schedules by name (<see cref="ScheduleOptions"/>), kept in the store by the leader.</summary>
    public Dictionary<string, ScheduleOptions> Schedules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Completion callbacks: the signing secret, attempts and backoff.</summary>
    public CallbackOptions Callbacks { get; set; } = new();

    /// <summary>PII detection and redaction: the <c>hash</c> operator's key.</summary>
    public PiiOptions Pii { get; set; } = new();

    /// <summary>Whether this node runs in-process workers (its role is <c>all</c> or <c>worker</c>).</summary>
    public bool RunsWorkers => NodeRoles.RunsWorkers(Role);

    /// <summary>The queue named <paramref name="name"/>, or null when it is not configured.</summary>
    public QueueOptions? FindQueue(string name) => Queues.GetValueOrDefault(name);

    /// <inheritdoc />
    public IEnumerable<string> Validate(string path)
    {
        foreach (var name in Queues.Keys.Where(n => !Names.IsValid(n)))
        {
            yield return $"queues:{name}: '{name}' is not a valid name (letters, digits, '_', '.', '-'; at most 64).";
        }

        foreach (var name in Resources.Keys.Where(n => !Names.IsValid(n)))
        {
            yield return $"resources:{name}: '{name}' is not a valid name (letters, digits, '_', '.', '-'; at most 64).";
        }

        foreach (var (name, model) in Models)
        {
            if (!Names.IsValid(name))
            {
                yield return $"models:{name}: '{name}' is not a valid name (letters, digits, '_', '.', '-'; at most 64).";
            }

            if (model.Fallback is { } fallback && (fallback == name || !Models.ContainsKey(fallback)))
            {
                yield return $"models:{name}:fallback: '{fallback}' is not another model under models.";
            }
        }

        foreach (var problem in Schedules.SelectMany(s => s.Value.Check($"schedules:{s.Key}", s.Key, this, TimeProvider.System.GetUtcNow())))
        {
            yield return problem;
        }

        foreach (var (kind, names) in KindResources)
        {
            foreach (var name in names.Where(n => !Resources.ContainsKey(n)))
            {
                yield return $"kindResources:{kind}: resource '{name}' is not declared under resources.";
            }
        }
    }

    /// <summary>
    /// Adds the <c>default</c> queue; gives every queue, resource and model its name; declares each model's resource
    /// (with no limits, unless <c>resources</c> has it) and adds it to the <c>llm.chat</c> kind's resources; reads each
    /// model's API key. Returns a message per key that cannot be read.
    /// </summary>
    internal IEnumerable<string> Complete(Func<string, string?> readEnvironment)
    {
        foreach (var (name, model) in Models)
        {
            model.Name = name;
            if (model.ReadApiKey(readEnvironment) is { } problem)
            {
                yield return $"models:{name}:apiKeyEnv: {problem}";
            }

            Resources.TryAdd(model.Resource, new ResourceOptions());
            var kind = KindResources.GetValueOrDefault(ModelDefaults.Kind) ?? [];
            if (!kind.Contains(model.Resource, StringComparer.Ordinal))
            {
                KindResources[ModelDefaults.Kind] = [.. kind, model.Resource];
            }
        }

        Queues.TryAdd(QueueDefaults.DefaultQueue, new QueueOptions());
        foreach (var (name, queue) in Queues)
        {
            queue.Name = name;
        }

        foreach (var (name, resource) in Resources)
        {
            resource.Name = name;
        }
    }
}
