namespace Demo;

/// <summary>Turns what a user gives as VALKEY_URL or --url into a StackExchange.Redis configuration string.</summary>
internal static class ValkeyUrl
{
    /// <summary>
    /// Accepts a configuration string (<c>127.0.0.1:6379,password=x</c>) as is, and converts
    /// <c>redis://[user:password@]host[:port]</c>, <c>valkey://…</c> and their TLS forms <c>rediss://</c> / <c>valkeys://</c>.
    /// </summary>
    public static string ToConfigurationString(string url)
    {
        if (!url.Contains("://", StringComparison.Ordinal))
            return url;

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss" or "valkey" or "valkeys"))
            throw new ArgumentException($"'{Redact(url)}' is not a redis:// or valkey:// URL, nor a host:port configuration string.");

        var parts = new List<string> { $"{uri.Host}:{(uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port)}" };
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var userInfo = uri.UserInfo.Split(':', 2);
            if (userInfo.Length == 2)
            {
                if (userInfo[0].Length > 0)
                    parts.Add($"user={Uri.UnescapeDataString(userInfo[0])}");
                parts.Add($"password={Uri.UnescapeDataString(userInfo[1])}");
            }
            else
            {
                parts.Add($"password={Uri.UnescapeDataString(userInfo[0])}");
            }
        }

        if (uri.Scheme is "rediss" or "valkeys")
            parts.Add("ssl=true");
        return string.Join(",", parts);
    }

    private static string Redact(string url)
    {
        var at = url.IndexOf('@');
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > scheme && scheme >= 0 ? url[..(scheme + 3)] + "***" + url[at..] : url;
    }
}
