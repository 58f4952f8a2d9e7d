namespace Escala.Governance;

/// <summary>
/// Decides, inside one lease transaction, which candidate jobs may start. Drivers read the cluster-wide
/// state (running jobs per resource and per tenant, recent starts, pauses) under their own locking,
/// exclude the <see cref="BlockedResources"/> and <see cref="BlockedTenants"/> in SQL so that blocked jobs
/// never hide admissible ones, then offer the remaining candidates in lease order to <see cref="TryAdmit"/>.
/// </summary>
public sealed class AdmissionPlanner
{
    private readonly Admission _admission;
    private readonly Dictionary<string, long> _room = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _tokenRoom = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _tenantRunning;
    private readonly Dictionary<string, int> _admittedStarts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _blockedResources = new(StringComparer.Ordinal);
    private readonly HashSet<string> _blockedTenants = new(StringComparer.Ordinal);
    private readonly KeyUsage? _keyUsage;
    private readonly Dictionary<KeySlot, long> _keyRoom = [];
    private readonly Dictionary<KeySlot, int> _admittedKeyStarts = [];
    private readonly List<KeySlot> _blockedKeys = [];

    /// <param name="admission">The limits in force.</param>
    /// <param name="runningByResource">Running jobs per resource, cluster-wide.</param>
    /// <param name="startsInWindow">Starts per rate-limited resource within its window ending now.</param>
    /// <param name="pausedUntil">Cluster-wide pauses by resource (only those still in force matter).</param>
    /// <param name="runningByTenant">Running jobs per tenant in the queue (needed only with a tenant cap).</param>
    /// <param name="now">The lease's clock.</param>
    /// <param name="halfOpen">
    /// Resources whose cluster-wide breaker pause (<see cref="BreakerPause.Reason"/>) has expired with no success
    /// since: half-open for the whole cluster, so they admit at most their <see cref="ResourceLimit.Probes"/> at once.
    /// </param>
    /// <param name="tokensInWindow">
    /// Tokens reserved (or settled) per resource with a token budget within <see cref="Tokens.TokenWindow.Of"/> its window, cluster-wide.
    /// </param>
    /// <param name="keyUsage">
    /// Running jobs and starts per concurrency key on resources with a per-key limit, cluster-wide; read only when
    /// <see cref="Admission.HasPerKey"/> (null otherwise: keys are then not limited).
    /// </param>
    public AdmissionPlanner(
        Admission admission,
        IReadOnlyDictionary<string, long> runningByResource,
        IReadOnlyDictionary<string, int> startsInWindow,
        IReadOnlyDictionary<string, DateTimeOffset> pausedUntil,
        IReadOnlyDictionary<string, long> runningByTenant,
        DateTimeOffset now,
        IReadOnlySet<string>? halfOpen = null,
        IReadOnlyDictionary<string, long>? tokensInWindow = null,
        KeyUsage? keyUsage = null)
    {
        _admission = admission;
        _keyUsage = keyUsage;
        if (keyUsage is not null)
        {
            foreach (var slot in keyUsage.Running.Keys.Concat(keyUsage.StartsInWindow.Keys).Distinct())
            {
                if (KeyRoom(slot) == 0)
                {
                    _blockedKeys.Add(slot);
                }
            }
        }

        foreach (var (name, limit) in admission.Resources)
        {
            var room = long.MaxValue;
            if (limit.EffectiveConcurrency is { } concurrency)
            {
                room = Math.Max(0, concurrency - runningByResource.GetValueOrDefault(name));
            }

            if (halfOpen is not null && halfOpen.Contains(name))
            {
                room = Math.Min(room, Math.Max(0, limit.Probes - runningByResource.GetValueOrDefault(name)));
            }

            if (limit.Rate is { } rate)
            {
                room = Math.Min(room, Math.Max(0, rate.Permits - startsInWindow.GetValueOrDefault(name)));
            }

            if (pausedUntil.TryGetValue(name, out var until) && until > now)
            {
                room = 0;
            }

            if (limit.Tokens is { } budget)
            {
                var tokenRoom = budget.Permits - (tokensInWindow?.GetValueOrDefault(name) ?? 0);
                _tokenRoom[name] = tokenRoom;
                room = tokenRoom <= 0 ? 0 : room;
            }

            _room[name] = room;
            if (room == 0)
            {
                _blockedResources.Add(name);
            }
        }

        _tenantRunning = new Dictionary<string, long>(runningByTenant, StringComparer.Ordinal);
        if (admission.TenantConcurrency is { } cap)
        {
            foreach (var (tenant, running) in runningByTenant)
            {
                if (running >= cap)
                {
                    _blockedTenants.Add(tenant);
                }
            }
        }
    }

    /// <summary>Resources with no room at all: jobs needing any of them cannot start in this lease.</summary>
    public IReadOnlySet<string> BlockedResources => _blockedResources;

    /// <summary>Tenants at their cap in this queue.</summary>
    public IReadOnlySet<string> BlockedTenants => _blockedTenants;

    /// <summary>Keys at a per-key limit of a resource: their jobs needing it cannot start in this lease.</summary>
    public IReadOnlyList<KeySlot> BlockedKeys => _blockedKeys;

    /// <summary>Starts admitted so far per key on resources with a per-key rate: drivers record them in their key rate log.</summary>
    public IReadOnlyDictionary<KeySlot, int> AdmittedKeyStarts => _admittedKeyStarts;

    /// <summary>True when <paramref name="resource"/> has a token budget: drivers record an admitted job's reservation on it.</summary>
    public bool HasTokenBudget(string resource) => _tokenRoom.ContainsKey(resource);

    /// <summary>Starts admitted so far per rate-limited resource: drivers record them in their rate log.</summary>
    public IReadOnlyDictionary<string, int> AdmittedRateStarts => _admittedStarts;

    /// <summary>Admits the job and takes its capacity, or leaves everything as it was and returns false.</summary>
    /// <param name="tenant">The job's tenant.</param>
    /// <param name="resources">The resources it needs.</param>
    /// <param name="tokens">
    /// Its token estimate, reserved on every resource with a budget. A job larger than a whole budget is admitted only
    /// when nothing else is reserved in the window, so it runs (alone) instead of waiting for ever.
    /// </param>
    /// <param name="key">Its concurrency key: counted against each of its resources' per-key limits; null for none.</param>
    public bool TryAdmit(string tenant, IReadOnlyList<string> resources, long tokens = 0, string? key = null)
    {
        if (_admission.TenantConcurrency is { } cap && _tenantRunning.GetValueOrDefault(tenant) >= cap)
        {
            return false;
        }

        foreach (var resource in resources)
        {
            if (_room.TryGetValue(resource, out var room) && room <= 0)
            {
                return false;
            }

            if (tokens > 0 && _tokenRoom.TryGetValue(resource, out var tokenRoom)
                && tokens > tokenRoom && tokenRoom < _admission.Resources[resource].Tokens!.Permits)
            {
                return false;
            }

            if (key is not null && _keyUsage is not null && IsKeyLimited(resource) && KeyRoom(new KeySlot(resource, tenant, key)) <= 0)
            {
                return false;
            }
        }

        foreach (var resource in resources)
        {
            if (!_room.TryGetValue(resource, out var room))
            {
                continue;
            }

            _room[resource] = room == long.MaxValue ? room : room - 1;
            if (_tokenRoom.TryGetValue(resource, out var tokenRoom))
            {
                _tokenRoom[resource] = tokenRoom - tokens;
                if (tokenRoom - tokens <= 0)
                {
                    _room[resource] = 0;
                }
            }

            if (_admission.Resources[resource].Rate is not null)
            {
                _admittedStarts[resource] = _admittedStarts.GetValueOrDefault(resource) + 1;
            }

            if (key is not null && _keyUsage is not null && IsKeyLimited(resource))
            {
                var slot = new KeySlot(resource, tenant, key);
                _keyRoom[slot] = KeyRoom(slot) - 1;
                if (_admission.Resources[resource].PerKey!.Rate is not null)
                {
                    _admittedKeyStarts[slot] = _admittedKeyStarts.GetValueOrDefault(slot) + 1;
                }
            }
        }

        if (_admission.TenantConcurrency is not null)
        {
            _tenantRunning[tenant] = _tenantRunning.GetValueOrDefault(tenant) + 1;
        }

        return true;
    }

    private bool IsKeyLimited(string resource) => _admission.Resources.TryGetValue(resource, out var limit) && limit.PerKey is not null;

    /// <summary>Room left for <paramref name="slot"/>'s key on its resource: its per-key limits less its use.</summary>
    private long KeyRoom(KeySlot slot)
    {
        if (_keyRoom.TryGetValue(slot, out var known))
        {
            return known;
        }

        var room = long.MaxValue;
        if (_admission.Resources.TryGetValue(slot.Resource, out var limit) && limit.PerKey is { } perKey && _keyUsage is not null)
        {
            if (perKey.Concurrency is { } concurrency)
            {
                room = Math.Max(0, concurrency - _keyUsage.Running.GetValueOrDefault(slot));
            }

            if (perKey.Rate is { } rate)
            {
                room = Math.Min(room, Math.Max(0, rate.Permits - _keyUsage.StartsInWindow.GetValueOrDefault(slot)));
            }
        }

        _keyRoom[slot] = room;
        return room;
    }
}
