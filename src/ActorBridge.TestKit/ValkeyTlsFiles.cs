using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ActorBridge.TestKit;

/// <summary>
/// The PEM files a TLS-enabled test server uses: its certificate and key, and the certificate authority that
/// signed it (which clients must trust).
/// </summary>
/// <param name="CertificateFile">The server certificate (PEM).</param>
/// <param name="KeyFile">The server's private key (PEM, unencrypted).</param>
/// <param name="CaCertificateFile">The certificate authority that signed the server certificate (PEM).</param>
public sealed record ValkeyTlsFiles(string CertificateFile, string KeyFile, string CaCertificateFile)
{
    /// <summary>
    /// Creates a throwaway certificate authority and a server certificate it signs, for <c>localhost</c> and
    /// 127.0.0.1, valid for a day, and writes them to <paramref name="directory"/> as <c>ca.crt</c>,
    /// <c>server.crt</c> and <c>server.key</c>.
    /// </summary>
    /// <param name="directory">An existing folder to write to.</param>
    /// <returns>The files.</returns>
    public static ValkeyTlsFiles CreateSelfSigned(string directory)
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=ActorBridge test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var ca = caRequest.CreateSelfSigned(notBefore, notBefore.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, notBefore, notBefore.AddDays(1), RandomNumberGenerator.GetBytes(8));

        var files = new ValkeyTlsFiles(
            Path.Combine(directory, "server.crt"), Path.Combine(directory, "server.key"), Path.Combine(directory, "ca.crt"));
        File.WriteAllText(files.CaCertificateFile, ca.ExportCertificatePem());
        File.WriteAllText(files.CertificateFile, server.ExportCertificatePem());
        File.WriteAllText(files.KeyFile, serverKey.ExportPkcs8PrivateKeyPem());
        return files;
    }
}
