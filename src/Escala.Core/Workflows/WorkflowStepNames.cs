using System.Globalization;

namespace Escala.Workflows;

/// <summary>How steps are named: declared steps by the user; a spawned child by its spawner's name, a dot and its ordinal from 1.</summary>
public static class WorkflowStepNames
{
    public static string Child(string spawner, int index) => spawner + "." + (index + 1).ToString(CultureInfo.InvariantCulture);
}
