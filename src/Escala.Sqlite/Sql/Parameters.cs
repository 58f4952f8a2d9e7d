using Microsoft.Data.Sqlite;

namespace Escala.Sqlite.Sql;

/// <summary>Sets parameter values on reused commands without rebuilding their parameter lists.</summary>
internal static class Parameters
{
    public static SqliteCommand Set(this SqliteCommand command, string name, object? value)
    {
        var parameters = command.Parameters;
        var index = parameters.IndexOf(name);
        if (index < 0)
        {
            parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        else
        {
            parameters[index].Value = value ?? DBNull.Value;
        }

        return command;
    }
}
