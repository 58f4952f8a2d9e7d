using Escala.Jobs;

namespace Escala.Sqlite.Sql;

/// <summary>The lease order: highest priority first, then oldest run time, then lowest id.</summary>
internal sealed class LeaseOrder : IComparer<Job>
{
    public static LeaseOrder Instance { get; } = new();

    public int Compare(Job? x, Job? y)
    {
        if (x is null || y is null)
        {
            return (x is null).CompareTo(y is null);
        }

        var byPriority = y.Priority.CompareTo(x.Priority);
        if (byPriority != 0)
        {
            return byPriority;
        }

        var byRunAt = x.RunAt.CompareTo(y.RunAt);
        return byRunAt != 0 ? byRunAt : x.Id.CompareTo(y.Id);
    }
}
