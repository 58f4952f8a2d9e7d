namespace Escala.Server.LoadTest.Scenarios;

/// <summary>Maps a parsed scenario's fields to a <see cref="Scenario"/>, recording every error with its field's path.</summary>
internal static class ScenarioReader
{
    public static Scenario? Read(Field root, List<string> errors)
    {
        root.Mapping("name", "description", "timeScale", "workload", "operations", "dependencies", "workers", "server", "sla");
        var dependencies = root["dependencies"].Entries().Select(e => ReadDependency(e.Key, e.Value))
            .OfType<DependencySpec>().ToDictionary(d => d.Name, StringComparer.Ordinal);
        var workload = ReadWorkload(root["workload"]);
        var operations = root["operations"].Items().Select(o => ReadOperation(o, dependencies)).ToList();
        if (!root["operations"].Exists)
        {
            root["operations"].Error("is required: at least one operation");
        }

        CheckOperations(root["operations"], operations, workload);
        var workers = root["workers"].Items().Select(w => ReadWorkers(w, dependencies)).OfType<WorkerPoolSpec>().ToList();
        if (root["server"].Exists && !root["server"].IsMapping)
        {
            root["server"].Error("must be a mapping shaped like escala.json (queues, resources, …)");
        }

        var sla = ReadSla(root["sla"], operations.OfType<OperationSpec>().Select(o => o.Name).ToHashSet(StringComparer.Ordinal));
        var name = root["name"].Text(required: true);
        var timeScale = root["timeScale"].Number(0.0001, 1000) ?? 1;
        if (errors.Count > 0 || workload is null || name is null)
        {
            return null;
        }

        return new Scenario
        {
            Name = name,
            Description = root["description"].Text(),
            TimeScale = timeScale,
            Workload = workload,
            Operations = [.. operations.OfType<OperationSpec>()],
            Dependencies = dependencies,
            Workers = workers,
            Server = root["server"].IsMapping ? root["server"].Flatten() : new Dictionary<string, string?>(),
            Sla = sla,
        };
    }

    private static Workload? ReadWorkload(Field field)
    {
        if (!field.Exists)
        {
            field.Error("is required: users (closed model) or rate (open model), and duration");
            return null;
        }

        field.Mapping("users", "rate", "rampUp", "duration", "drain", "think", "maxInFlight");
        var users = field["users"].Whole(1, 100_000);
        var rate = field["rate"].Rate();
        if (users is null == rate is null)
        {
            field.Error("give exactly one of users (closed model: virtual users) and rate (open model: arrivals per second)");
        }

        var duration = field["duration"].Duration(required: true);
        if (duration is { } d && d <= TimeSpan.Zero)
        {
            field["duration"].Error("must be more than zero");
        }

        var rampUp = field["rampUp"].Duration() ?? TimeSpan.Zero;
        if (duration is { } length && rampUp >= length)
        {
            field["rampUp"].Error($"must be shorter than the duration ({Durations.Format(length)}): throughput is measured after it");
        }

        return duration is null ? null : new Workload
        {
            Users = users,
            Rate = rate,
            RampUp = rampUp,
            Duration = duration.Value,
            Drain = field["drain"].Duration() ?? ScenarioDefaults.Drain,
            Think = field["think"].Range() ?? Span.Zero,
            MaxInFlight = field["maxInFlight"].Whole(1, 100_000) ?? ScenarioDefaults.MaxInFlight,
        };
    }

    private static OperationSpec? ReadOperation(Field field, Dictionary<string, DependencySpec> dependencies)
    {
        field.Mapping("name", "type", "weight", "users", "think", "kind", "queue", "dependency", "resources", "args", "batchSize", "fanOut", "wait");
        var name = field["name"].Text(required: true);
        var typeName = field["type"].Text(required: true);
        OperationType? type = null;
        if (typeName is not null)
        {
            if (OperationTypes.ByName.TryGetValue(typeName, out var known))
            {
                type = known;
            }
            else
            {
                field["type"].Error($"'{typeName}' is not an operation type; use one of {string.Join(", ", OperationTypes.ByName.Keys)}");
            }
        }

        var dependency = field["dependency"].Text();
        if (dependency is not null && !dependencies.ContainsKey(dependency))
        {
            field["dependency"].Error($"'{dependency}' is not in dependencies");
        }

        if (field["args"].Exists && !field["args"].IsMapping)
        {
            field["args"].Error("must be a mapping (the job's JSON arguments)");
        }

        var weight = field["weight"].Number(0, 1_000_000) ?? 1;
        var resources = field["resources"].Strings();
        var dependencyResource = dependency is not null && dependencies.TryGetValue(dependency, out var spec) ? spec.Resource : null;
        var wait = field["wait"].Duration() ?? ScenarioDefaults.Wait;
        if (wait <= TimeSpan.Zero)
        {
            field["wait"].Error("must be more than zero");
        }

        return name is null || type is null ? null : new OperationSpec
        {
            Name = name,
            Type = type.Value,
            Weight = weight,
            Users = field["users"].Whole(1, 100_000),
            Think = field["think"].Range(),
            Kind = field["kind"].Text() ?? (dependency is not null ? "http" : "noop"),
            Queue = field["queue"].Text(),
            Dependency = dependency,
            Resources = resources.Count > 0 || dependencyResource is null ? resources : [dependencyResource],
            Args = field["args"].IsMapping ? field["args"].ToJson()!.AsObject() : null,
            BatchSize = field["batchSize"].Whole(1, 10_000) ?? ScenarioDefaults.BatchSize,
            FanOut = field["fanOut"].Whole(1, 100) ?? ScenarioDefaults.FanOut,
            Wait = wait,
        };
    }

    private static void CheckOperations(Field field, List<OperationSpec?> operations, Workload? workload)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var items = field.Items().ToList();
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not { } op)
            {
                continue;
            }

            if (!names.Add(op.Name))
            {
                items[i]["name"].Error($"'{op.Name}' is used by an earlier operation; names must be unique");
            }

            if (op.Users is not null && workload?.IsOpen == true)
            {
                items[i]["users"].Error("dedicated users exist only in the closed model (workload.users)");
            }
        }

        if (workload is { Users: { } users })
        {
            var dedicated = operations.Sum(o => o?.Users ?? 0);
            var mixed = operations.Where(o => o is { Users: null }).Sum(o => o!.Weight);
            if (dedicated > users)
            {
                field.Error($"the operations' own users add up to {dedicated}, more than workload.users ({users})");
            }
            else if (dedicated < users && mixed <= 0 && operations.All(o => o is not null))
            {
                field.Error($"{users - dedicated} users have no operation: give an operation without its own users a weight above 0");
            }
        }
        else if (workload is { IsOpen: true } && operations.All(o => o is not null) && operations.Sum(o => o!.Weight) <= 0)
        {
            field.Error("at least one operation needs a weight above 0");
        }
    }

    private static DependencySpec? ReadDependency(string name, Field field)
    {
        field.Mapping("resource", "latency", "errorRate", "rate429", "retryAfter", "stream", "limit");
        var latency = ReadLatency(field["latency"]);
        var resource = field["resource"].Text() ?? name;
        var stream = field["stream"];
        var chunks = !stream.Exists ? 0 : stream.Text() is "true" ? ScenarioDefaults.StreamChunks : stream.Text() is "false" ? 0 : stream.Whole(0, 10_000) ?? 0;
        return latency is null ? null : new DependencySpec
        {
            Name = name,
            Resource = resource == "none" ? null : resource,
            Latency = latency,
            ErrorRate = field["errorRate"].Number(0, 1) ?? 0,
            Rate429 = field["rate429"].Number(0, 1) ?? 0,
            RetryAfter = field["retryAfter"].Duration() ?? ScenarioDefaults.RetryAfter,
            StreamChunks = chunks,
            Limit = field["limit"].Whole(1, 1_000_000),
        };
    }

    private static LatencyDistribution? ReadLatency(Field field)
    {
        if (!field.Exists)
        {
            field.Error("is required: 100ms, 5s..15s, {min, max} or {p50, p95, max}");
            return null;
        }

        if (field.IsMapping && field["p50"].Exists)
        {
            field.Mapping("p50", "p95", "max");
            var p50 = field["p50"].Duration(required: true);
            var p95 = field["p95"].Duration(required: true);
            if (p50 > p95)
            {
                field["p95"].Error("must be at least p50");
            }

            return p50 is null || p95 is null || p50 > p95 ? null : LatencyDistribution.LogNormal(p50.Value, p95.Value, field["max"].Duration());
        }

        return field.Range() is { } range
            ? range.Min == range.Max ? LatencyDistribution.Fixed(range.Min) : LatencyDistribution.Uniform(range.Min, range.Max)
            : null;
    }

    private static WorkerPoolSpec? ReadWorkers(Field field, Dictionary<string, DependencySpec> dependencies)
    {
        field.Mapping("name", "queue", "count", "dependency", "kinds");
        var dependency = field["dependency"].Text(required: true);
        if (dependency is not null && !dependencies.ContainsKey(dependency))
        {
            field["dependency"].Error($"'{dependency}' is not in dependencies");
        }

        var queue = field["queue"].Text(required: true);
        var count = field["count"].Whole(1, 10_000, required: true);
        return queue is null || count is null || dependency is null ? null : new WorkerPoolSpec
        {
            Name = field["name"].Text() ?? queue,
            Queue = queue,
            Count = count.Value,
            Dependency = dependency,
            Kinds = field["kinds"].Strings(),
        };
    }

    private static SlaSpec ReadSla(Field field, HashSet<string> operations)
    {
        field.Mapping("operations", "errorRate", "throughput", "queueDepth");
        var perOperation = new Dictionary<string, OperationSla>(StringComparer.Ordinal);
        foreach (var (name, sla) in field["operations"].Entries())
        {
            if (!operations.Contains(name))
            {
                sla.Error($"'{name}' is not an operation of this scenario");
            }

            sla.Mapping("p50", "p95", "p99", "errorRate", "throughput");
            perOperation[name] = new OperationSla
            {
                P50 = sla["p50"].Duration(),
                P95 = sla["p95"].Duration(),
                P99 = sla["p99"].Duration(),
                ErrorRate = sla["errorRate"].Number(0, 1),
                Throughput = sla["throughput"].Rate(),
            };
        }

        return new SlaSpec
        {
            Operations = perOperation,
            ErrorRate = field["errorRate"].Number(0, 1) ?? ScenarioDefaults.ErrorRate,
            Throughput = field["throughput"].Rate(),
            QueueDepth = field["queueDepth"].Entries().ToDictionary(e => e.Key, e => (long)(e.Value.Whole(0, int.MaxValue) ?? 0), StringComparer.Ordinal),
        };
    }
}
