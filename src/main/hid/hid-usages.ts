// HID usage pages and usages the joystick layer needs (HID Usage Tables 1.4). A usage is kept as
// one 32-bit "extended usage": page in the high 16 bits, id in the low 16. Built with arithmetic,
// not `<<`, so vendor pages (0xFF00..) stay positive numbers.

export const PAGE_GENERIC_DESKTOP = 0x01;
export const PAGE_SIMULATION = 0x02;
export const PAGE_GAME = 0x05;
export const PAGE_GENERIC_DEVICE = 0x06;
export const PAGE_BUTTON = 0x09;
export const PAGE_CONSUMER = 0x0c;
export const PAGE_PID = 0x0f;

/** Generic Desktop application usages that make a device a joystick. */
export const GD_JOYSTICK = 0x04;
export const GD_GAMEPAD = 0x05;
export const GD_MULTI_AXIS = 0x08;

export const GD_X = 0x30;
export const GD_Y = 0x31;
export const GD_Z = 0x32;
export const GD_RX = 0x33;
export const GD_RY = 0x34;
export const GD_RZ = 0x35;
export const GD_SLIDER = 0x36;
export const GD_DIAL = 0x37;
export const GD_WHEEL = 0x38;
export const GD_HAT_SWITCH = 0x39;

export const SIM_RUDDER = 0xba;
export const SIM_THROTTLE = 0xbb;
export const SIM_ACCELERATOR = 0xc4;
export const SIM_BRAKE = 0xc5;

export const usage = (page: number, id: number): number => page * 0x10000 + id;
export const usagePage = (extended: number): number => Math.floor(extended / 0x10000);
export const usageId = (extended: number): number => extended % 0x10000;
