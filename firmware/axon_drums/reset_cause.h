// Why the board reset (MCUSR), captured before the C runtime starts.
#pragma once
#include <avr/io.h>
#include <avr/wdt.h>

// .noinit: the runtime clears .bss after .init3, which would erase the value.
uint8_t resetCause __attribute__((section(".noinit")));

// A watchdog reset leaves the watchdog running with its shortest timeout: stop it at once, which
// needs WDRF cleared first. Boards with Optiboot 4.4 (the Uno's stock bootloader) have cleared
// MCUSR already, so the cause reads 0 there.
void captureResetCause() __attribute__((naked, used, section(".init3")));
void captureResetCause() {
  resetCause = MCUSR;
  MCUSR = 0;
  wdt_disable();
}
