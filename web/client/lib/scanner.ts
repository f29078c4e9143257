/** The Shape Detection API's barcode detector, where the browser has it (Chrome on Android, for one). */
type Detector = { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> };
type DetectorConstructor = new (options: { formats: string[] }) => Detector;

/** Opens the back camera and resolves with the first QR code it reads; the camera stops either way. */
export async function startScanner(video: HTMLVideoElement, timeoutMs = 30_000): Promise<string> {
  const Barcode = (window as unknown as { BarcodeDetector: DetectorConstructor }).BarcodeDetector;
  const detector = new Barcode({ formats: ["qr_code"] });
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  } catch {
    throw new Error("The camera is not available. Type the code instead.");
  }
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const [found] = await detector.detect(video);
      if (found?.rawValue) return found.rawValue.trim();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error("No code was read. Type it instead.");
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.hidden = true;
  }
}
