namespace Escala.Server.Tests.Support;

/// <summary>A fact that is skipped, saying why, when <c>examples/python/worker.py</c> is not in this branch.</summary>
public sealed class PythonWorkerFactAttribute : FactAttribute
{
    public PythonWorkerFactAttribute()
    {
        if (!File.Exists(RepositoryPaths.PythonWorker))
        {
            Skip = $"examples/python/worker.py is not in this branch yet (it lands from another branch); looked for {RepositoryPaths.PythonWorker}.";
        }
    }
}
